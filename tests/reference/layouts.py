"""Checkpoint layouts of real LLaVA-style models, written independently of xmas.

Takes an HF llava config (config.json of LlavaForConditionalGeneration) and
weights under their classic HF names, and gives the config.json and tensor
names another codebase would write for the same model:

  classic        HF llava, transformers < 4.52 (language_model.model.*, ...)
  new            HF llava, transformers >= 4.52 / 5 (model.language_model.*,
                 model.vision_tower.*, model.multi_modal_projector.*, lm_head.*)
  llava_llama    the original LLaVA repository (haotian-liu/LLaVA,
                 llava/model/language_model/llava_llama.py + llava_arch.py):
                 LlamaConfig fields at the top, mm_* fields, model_type
                 "llava_llama", model.mm_projector.{0,2} (nn.Sequential of
                 Linear, GELU, Linear), model.vision_tower.vision_tower.* (the
                 CLIPVisionModel inside CLIPVisionTower), model.*, lm_head.*
  tinyllava_v1   TinyLLaVA v1 (bczhou/TinyLLaVA-*): the same flat layout with
                 model_type "llava" and architectures TinyLlava<LLM>ForCausalLM
                 (names as TinyLLaVA Factory's convert_legecy_weights_to_
                 tinyllavafactory.py maps them)
  tinyllava      TinyLLaVA Factory (tinyllava/model/configuration_tinyllava.py,
                 modeling_tinyllava.py): TinyLlavaConfig fields, text_config /
                 vision_config sub-configs, connector_type, image_token_index
                 -200, language_model.*, vision_tower._vision_tower.*,
                 connector._connector.{0,2}.*

Flat layouts name their tower by mm_vision_tower; here a folder holding the
tower's config.json (a CLIPVisionConfig / SiglipVisionConfig), as a local
copy of openai/clip-vit-large-patch14-336 would be.
"""
import json
import os

RENAMES = {
    "classic": [],
    "new": [("language_model.model.", "model.language_model."), ("language_model.lm_head.", "lm_head."),
            ("vision_tower.", "model.vision_tower."), ("multi_modal_projector.", "model.multi_modal_projector.")],
    "llava_llama": [("vision_tower.", "model.vision_tower.vision_tower."),
                    ("multi_modal_projector.linear_1.", "model.mm_projector.0."),
                    ("multi_modal_projector.linear_2.", "model.mm_projector.2."),
                    ("language_model.model.", "model."), ("language_model.lm_head.", "lm_head.")],
    "tinyllava": [("vision_tower.", "vision_tower._vision_tower."),
                  ("multi_modal_projector.linear_1.", "connector._connector.0."),
                  ("multi_modal_projector.linear_2.", "connector._connector.2."),
                  ("language_model.", "language_model.")],
}
RENAMES["tinyllava_v1"] = RENAMES["llava_llama"]

TINYLLAVA_V1_CLASS = {"llama": "TinyLlavaLlamaForCausalLM", "stablelm": "TinyLlavaStablelmForCausalLM",
                      "phi": "TinyLlavaPhiForCausalLM"}
HUB_LLM = {"llama": "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "stablelm": "stabilityai/stablelm-2-zephyr-1_6b",
           "phi": "microsoft/phi-2", "qwen2": "Qwen/Qwen2.5-0.5B"}
HUB_TOWER = {"clip_vision_model": "openai/clip-vit-large-patch14-336",
             "siglip_vision_model": "google/siglip-so400m-patch14-384"}


def file_name(name, layout):
    """The tensor name `layout` stores for the classic HF name `name`."""
    if layout == "classic":
        return name
    for old, new in RENAMES[layout]:
        if name.startswith(old):
            return new + name[len(old):]
    raise ValueError(f"{layout}: no rule for {name}")


def _flat_config(cfg, layout, tower_dir):
    tc, vc = cfg["text_config"], cfg["vision_config"]
    family = tc["model_type"]
    out = {k: v for k, v in tc.items() if k not in ("model_type", "architectures")}
    if layout == "llava_llama":
        out.update({"architectures": ["LlavaLlamaForCausalLM"], "model_type": "llava_llama"})
    else:
        out.update({"architectures": [TINYLLAVA_V1_CLASS[family]], "model_type": "llava",
                    "tokenizer_padding_side": "right", "tokenizer_model_max_length": 2048, "pad_token": "<unk>"})
    with open(os.path.join(tower_dir, "config.json"), "w") as f:
        json.dump(vc, f, indent=2)
    strategy = cfg["vision_feature_select_strategy"]
    out.update({
        "mm_vision_tower": tower_dir, "mm_hidden_size": vc["hidden_size"], "mm_projector_type": "mlp2x_gelu",
        "mm_vision_select_layer": cfg["vision_feature_layer"],
        "mm_vision_select_feature": "patch" if strategy in ("default", "patch") else "cls_patch",
        "mm_use_im_start_end": False, "mm_use_im_patch_token": False, "mm_patch_merge_type": "flat",
        "image_aspect_ratio": cfg.get("image_aspect_ratio", "pad"), "tune_mm_mlp_adapter": False,
        "freeze_mm_mlp_adapter": False, "use_mm_proj": True, "pad_token_id": cfg.get("pad_token_id", 0),
        "torch_dtype": cfg.get("torch_dtype", "float32"), "transformers_version": "4.31.0", "use_cache": True})
    return out


def _tinyllava_config(cfg):
    tc, vc = cfg["text_config"], cfg["vision_config"]
    strategy = cfg["vision_feature_select_strategy"]
    llm = HUB_LLM[tc["model_type"]]
    return {
        "architectures": ["TinyLlavaForConditionalGeneration"], "model_type": "tinyllava",
        "llm_model_name_or_path": llm, "tokenizer_name_or_path": llm,
        "vision_model_name_or_path": HUB_TOWER[vc["model_type"]], "vision_model_name_or_path2": "",
        "connector_type": "mlp2x_gelu", "text_config": tc, "hidden_size": tc["hidden_size"],
        "vocab_size": tc["vocab_size"], "ignore_index": -100, "image_token_index": -200,
        "pad_token": "<|endoftext|>", "pad_token_id": cfg.get("pad_token_id", 0),
        "tokenizer_padding_side": "right", "tokenizer_model_max_length": 3072, "vision_config": vc,
        "vision_hidden_size": vc["hidden_size"], "vision_feature_layer": cfg["vision_feature_layer"],
        "vision_feature_select_strategy": "patch" if strategy in ("default", "patch") else "cls_patch",
        "image_aspect_ratio": cfg.get("image_aspect_ratio", "square"), "resampler_hidden_size": None,
        "num_queries": None, "num_resampler_layers": None, "use_cache": False, "cache_dir": None,
        "tokenizer_use_fast": False, "tune_type_llm": "full", "tune_type_connector": "full",
        "tune_type_vision_tower": "frozen", "tune_vision_tower_from_layer": 0,
        "torch_dtype": cfg.get("torch_dtype", "float32"), "transformers_version": "4.40.1"}


def config_for(cfg, layout, folder):
    """The config.json of `layout` for the HF llava config `cfg` (flat
    layouts also write their tower folder beside `folder`)."""
    if layout in ("classic", "new"):
        return cfg
    if layout == "tinyllava":
        return _tinyllava_config(cfg)
    tower_dir = os.path.abspath(folder.rstrip("/") + "_tower")
    os.makedirs(tower_dir, exist_ok=True)
    return _flat_config(cfg, layout, tower_dir)
