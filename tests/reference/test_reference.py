"""xmas's forward pass against the independent reference (hf_reference.py).

For each decoder family (and the SigLIP tower, behind Phi-2 as in
TinyLLaVA-2B), writes a small checkpoint in a real model's layout
(HF llava config.json with the family's real text_config fields, reduced
sizes; random weights, biases and norm weights so that a dropped bias or a
wrong norm shows), runs xmas on it (xmas_reference_dump) and compares the
logits, the mean and per-token loss, and one decoder layer's q/k before and
after RoPE. Error = max |xmas - reference| / max |reference| over real
(non-padding) positions; must be <= 1e-4 in float32.

Layouts exercised on the way (layouts.py): the classic llava key names, the
transformers >= 4.52 names (model.language_model.*, lm_head.*), the original
LLaVA flat llava_llama layout, TinyLLaVA v1's flat llava layout, TinyLLaVA
Factory's tinyllava layout, sharded checkpoints (model.safetensors.index.json)
and bfloat16 / float16 weights.

    python3 test_reference.py XMAS_REFERENCE_DUMP WORK_DIR
"""
import json
import os
import subprocess
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import hf_reference as ref  # noqa: E402
from layouts import config_for, file_name  # noqa: E402

TOLERANCE = 1e-4
CAPTURE_LAYER = 1

VISION = {"model_type": "clip_vision_model", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
          "num_attention_heads": 4, "image_size": 16, "patch_size": 8, "hidden_act": "quick_gelu",
          "layer_norm_eps": 1e-5, "projection_dim": 16}

# Reduced copies of real text configs: each keeps its model's distinctive fields.
FAMILIES = {
    # TinyLlama-1.1B (TinyLLaVA's LLaMA proxy): GQA 32/4, RMSNorm 1e-5.
    "llama": {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 97, "hidden_size": 64,
              "intermediate_size": 88, "num_hidden_layers": 3, "num_attention_heads": 8, "num_key_value_heads": 2,
              "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu",
              "attention_bias": False, "tie_word_embeddings": False, "rope_scaling": None},
    # Qwen2.5-0.5B: q/k/v biases, rope_theta 1e6, tied embeddings, GQA 14/2.
    "qwen2": {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 101, "hidden_size": 56,
              "intermediate_size": 96, "num_hidden_layers": 3, "num_attention_heads": 7, "num_key_value_heads": 1,
              "max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "hidden_act": "silu",
              "tie_word_embeddings": True, "use_sliding_window": False, "sliding_window": 32768,
              "max_window_layers": 21},
    # StableLM-2-1.6B (the authors' proxy): LayerNorm, partial rotary 0.25, q/k/v biases.
    "stablelm": {"architectures": ["StableLmForCausalLM"], "model_type": "stablelm", "vocab_size": 103,
                 "hidden_size": 64, "intermediate_size": 112, "num_hidden_layers": 3, "num_attention_heads": 4,
                 "num_key_value_heads": 4, "max_position_embeddings": 4096, "layer_norm_eps": 1e-5,
                 "rope_theta": 10000, "partial_rotary_factor": 0.25, "use_qkv_bias": True, "qk_layernorm": False,
                 "use_parallel_residual": False, "hidden_act": "silu", "tie_word_embeddings": False},
    # Phi-2: parallel block, partial rotary 0.4, gelu_new, biases, LM-head bias.
    "phi": {"architectures": ["PhiForCausalLM"], "model_type": "phi", "vocab_size": 89, "hidden_size": 80,
            "intermediate_size": 120, "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 4,
            "max_position_embeddings": 2048, "layer_norm_eps": 1e-5, "rope_theta": 10000.0,
            "partial_rotary_factor": 0.4, "hidden_act": "gelu_new", "qk_layernorm": False,
            "tie_word_embeddings": False, "resid_pdrop": 0.1, "embd_pdrop": 0.0},
}

# TinyLLaVA-2B's tower, reduced: SigLIP with an image size that is no multiple
# of the patch (20 / 8 -> 2 x 2 patches, as 384 / 14 -> 27 x 27), pooling head.
SIGLIP = {"model_type": "siglip_vision_model", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
          "num_attention_heads": 3, "image_size": 20, "patch_size": 8, "hidden_act": "gelu_pytorch_tanh",
          "layer_norm_eps": 1e-6, "vision_use_head": True}

# name -> (text config, vision config, select strategy, key layout, shards, stored dtype).
CASES = {
    "llama": (FAMILIES["llama"], VISION, "default", "classic", 1, torch.float32),
    "qwen2": (FAMILIES["qwen2"], VISION, "full", "new", 1, torch.float32),
    "stablelm": (FAMILIES["stablelm"], VISION, "default", "classic", 2, torch.bfloat16),
    "phi": (FAMILIES["phi"], VISION, "cls_patch", "new", 3, torch.float16),
    "phi+siglip": (FAMILIES["phi"], SIGLIP, "patch", "classic", 1, torch.float32),
    # The other codebases' layouts (layouts.py): original LLaVA, TinyLLaVA v1, TinyLLaVA Factory.
    "llava_llama": (FAMILIES["llama"], VISION, "default", "llava_llama", 2, torch.float32),
    "tinyllava_v1-phi": (FAMILIES["phi"], VISION, "cls_patch", "tinyllava_v1", 1, torch.float32),
    "tinyllava-stablelm": (FAMILIES["stablelm"], VISION, "patch", "tinyllava", 2, torch.bfloat16),
    "tinyllava-phi+siglip": (FAMILIES["phi"], SIGLIP, "patch", "tinyllava", 1, torch.float32),
}


def llava_config(text_config, vision_config, strategy):
    v = text_config["vocab_size"]
    return {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava", "vision_config": vision_config,
            "text_config": text_config, "projector_hidden_act": "gelu", "vision_feature_layer": -2,
            "vision_feature_select_strategy": strategy, "image_token_index": v - 1, "pad_token_id": 0,
            "ignore_index": -100, "tie_word_embeddings": text_config["tie_word_embeddings"], "torch_dtype": "float32"}


def image_tokens(cfg):
    vc = cfg["vision_config"]
    siglip = vc["model_type"] == "siglip_vision_model"
    tokens = (vc["image_size"] // vc["patch_size"]) ** 2 + (0 if siglip else 1)
    return tokens - (1 if cfg["vision_feature_select_strategy"] in ("default", "patch") else 0)


def shapes(cfg):
    """Every parameter of the HF model, written out from the modelling files."""
    vc, tc = cfg["vision_config"], cfg["text_config"]
    fam = ref.Family(tc)
    out, d, vd = {}, tc["hidden_size"], vc["hidden_size"]
    pre = "vision_tower.vision_model."
    siglip = vc["model_type"] == "siglip_vision_model"
    m = vc["intermediate_size"]
    out[pre + "embeddings.patch_embedding.weight"] = (vd, 3, vc["patch_size"], vc["patch_size"])
    tokens = (vc["image_size"] // vc["patch_size"]) ** 2
    if siglip:
        out[pre + "embeddings.patch_embedding.bias"] = (vd,)
    else:
        out[pre + "embeddings.class_embedding"] = (vd,)
        tokens += 1
        out[pre + "pre_layrnorm.weight"], out[pre + "pre_layrnorm.bias"] = (vd,), (vd,)
    out[pre + "embeddings.position_embedding.weight"] = (tokens, vd)
    out[pre + "post_layernorm.weight"], out[pre + "post_layernorm.bias"] = (vd,), (vd,)
    for i in range(vc["num_hidden_layers"]):
        l = pre + f"encoder.layers.{i}."
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            out[l + f"self_attn.{n}.weight"], out[l + f"self_attn.{n}.bias"] = (vd, vd), (vd,)
        for n in ("layer_norm1", "layer_norm2"):
            out[l + n + ".weight"], out[l + n + ".bias"] = (vd,), (vd,)
        out[l + "mlp.fc1.weight"], out[l + "mlp.fc1.bias"] = (m, vd), (m,)
        out[l + "mlp.fc2.weight"], out[l + "mlp.fc2.bias"] = (vd, m), (vd,)
    if siglip and vc.get("vision_use_head", True):  # SiglipMultiheadAttentionPoolingHead
        h = pre + "head."
        out[h + "probe"] = (1, 1, vd)
        out[h + "attention.in_proj_weight"], out[h + "attention.in_proj_bias"] = (3 * vd, vd), (3 * vd,)
        out[h + "attention.out_proj.weight"], out[h + "attention.out_proj.bias"] = (vd, vd), (vd,)
        out[h + "layernorm.weight"], out[h + "layernorm.bias"] = (vd,), (vd,)
        out[h + "mlp.fc1.weight"], out[h + "mlp.fc1.bias"] = (m, vd), (m,)
        out[h + "mlp.fc2.weight"], out[h + "mlp.fc2.bias"] = (vd, m), (vd,)
    out["multi_modal_projector.linear_1.weight"], out["multi_modal_projector.linear_1.bias"] = (d, vd), (d,)
    out["multi_modal_projector.linear_2.weight"], out["multi_modal_projector.linear_2.bias"] = (d, d), (d,)
    out["language_model.model.embed_tokens.weight"] = (tc["vocab_size"], d)
    hd, m = fam.head_dim, tc["intermediate_size"]
    q, kv = tc["num_attention_heads"] * hd, (tc.get("num_key_value_heads") or tc["num_attention_heads"]) * hd

    def lin(name, i, o, bias):
        out[name + ".weight"] = (o, i)
        if bias:
            out[name + ".bias"] = (o,)

    def nrm(name):
        out[name + ".weight"] = (d,)
        if fam.layer_norm:
            out[name + ".bias"] = (d,)

    for i in range(tc["num_hidden_layers"]):
        l = f"language_model.model.layers.{i}."
        lin(l + "self_attn.q_proj", d, q, fam.qkv_bias)
        lin(l + "self_attn.k_proj", d, kv, fam.qkv_bias)
        lin(l + "self_attn.v_proj", d, kv, fam.qkv_bias)
        lin(l + "self_attn." + fam.o_name, q, d, fam.o_bias)
        if fam.gated:
            for n in ("gate_proj", "up_proj"):
                lin(l + "mlp." + n, d, m, fam.mlp_bias)
            lin(l + "mlp.down_proj", m, d, fam.mlp_bias)
        else:
            lin(l + "mlp.fc1", d, m, True)
            lin(l + "mlp.fc2", m, d, True)
        nrm(l + "input_layernorm")
        if not fam.parallel:
            nrm(l + "post_attention_layernorm")
    nrm("language_model.model." + fam.final_norm)
    if not tc["tie_word_embeddings"]:
        lin("language_model.lm_head", d, tc["vocab_size"], fam.kind == "phi")
    return out


def random_weights(cfg, gen):
    """Norm weights near 1, biases and norm biases ~0.2, matrices ~0.5/sqrt(fan-in)."""
    p = {}
    for name, shape in shapes(cfg).items():
        t = torch.randn(shape, generator=gen)
        if "norm" in name:  # pre_layrnorm, layer_norm1, input_layernorm, final_layernorm, ...
            t = 1.0 + 0.2 * t if name.endswith(".weight") else 0.2 * t
        elif name.endswith(".bias") or len(shape) == 1:
            t = 0.2 * t
        else:
            fan_in = 1
            for s in shape[1:]:
                fan_in *= s
            t = t * 0.5 / fan_in ** 0.5
        p[name] = t
    return p


def write_checkpoint(folder, cfg, p, layout, shards, dtype):
    """Returns the weights as stored (rounded to dtype), which the reference uses."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config_for(cfg, layout, folder), f, indent=2)
    stored = {n: t.to(dtype) for n, t in p.items()}
    names = sorted(stored)
    if shards == 1:
        ref.write_safetensors(os.path.join(folder, "model.safetensors"),
                              {file_name(n, layout): stored[n] for n in names})
    else:
        weight_map = {}
        for s in range(shards):
            shard = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {file_name(n, layout): stored[n] for n in names[s::shards]}
            ref.write_safetensors(os.path.join(folder, shard), part)
            weight_map.update({n: shard for n in part})
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)
    return {n: t.to(torch.float32) for n, t in stored.items()}


def make_inputs(cfg, gen):
    """Three right-padded rows: image at 2, image at 0, text only."""
    tc, vc = cfg["text_config"], cfg["vision_config"]
    n_image = image_tokens(cfg)
    lengths, begins = [14, 11, 9], [2, 0, -1]
    length = max(lengths)
    ids = torch.randint(3, tc["vocab_size"] - 1, (3, length), generator=gen)
    mask = torch.zeros(3, length, dtype=torch.int64)
    labels = torch.full((3, length), -100, dtype=torch.int64)
    for b, (n, begin) in enumerate(zip(lengths, begins)):
        mask[b, :n] = 1
        ids[b, n:] = 0
        labels[b, n // 2:n] = ids[b, n // 2:n]
        if begin >= 0:
            ids[b, begin:begin + n_image] = cfg["image_token_index"]
            labels[b, begin:begin + n_image] = -100
    images = torch.randn(2, 3, vc["image_size"], vc["image_size"], generator=gen)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels,
            "image_begin": torch.tensor(begins, dtype=torch.int64), "images": images}


def rel_err(got, want, mask=None):
    if mask is not None:
        got, want = got[mask], want[mask]
    return ((got - want).abs().max() / want.abs().max()).item()


def compare(family, got, want, mask):
    checks = {
        "logits": rel_err(got["logits"], want["logits"], mask.bool()),
        "loss": rel_err(got["loss"], want["loss"]),
        "token_loss": rel_err(got["token_loss"], want["token_loss"]),
        "q_proj (pre-RoPE)": rel_err(got["q_proj"], want["q_proj"], mask.bool()),
        "k_proj (pre-RoPE)": rel_err(got["k_proj"], want["k_proj"], mask.bool()),
        "q (post-RoPE)": rel_err(got["q"].transpose(1, 2), want["q"].transpose(1, 2), mask.bool()),
        "k (post-RoPE)": rel_err(got["k"].transpose(1, 2), want["k"].transpose(1, 2), mask.bool()),
    }
    failed = False
    for what, err in checks.items():
        ok = err <= TOLERANCE
        failed |= not ok
        print(f"{family:20s} {what:18s} max rel err {err:.2e} {'ok' if ok else 'FAIL'}")
    return not failed


def run_case(dump, work, case, seed):
    gen = torch.Generator().manual_seed(seed)
    text_config, vision_config, strategy, layout, shards, dtype = CASES[case]
    cfg = llava_config(text_config, vision_config, strategy)
    folder = os.path.join(work, case)
    weights = write_checkpoint(folder, cfg, random_weights(cfg, gen), layout, shards, dtype)
    inputs = make_inputs(cfg, gen)
    inputs_path = os.path.join(work, case + "_inputs.safetensors")
    ref.write_safetensors(inputs_path, inputs)
    out_path = os.path.join(work, case + "_out.safetensors")
    proc = subprocess.run([dump, folder, inputs_path, str(CAPTURE_LAYER), out_path], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{case}: xmas failed: {proc.stderr.strip()}")
        return False
    with torch.no_grad():
        want = ref.llava_forward(weights, cfg, inputs, CAPTURE_LAYER)
    return compare(case, ref.read_safetensors(out_path), want, inputs["attention_mask"])


def main():
    dump, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(1)
    ok = True
    for seed, case in enumerate(CASES):
        ok &= run_case(dump, work, case, 100 + seed)
    print("reference parity:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
