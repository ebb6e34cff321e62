// The checkpoint layouts besides HF llava (issue 18 item 5): the original
// LLaVA flat layout, TinyLLaVA v1's flat "llava" configs and TinyLLaVA
// Factory's, read from configs abridged from real checkpoints, and their
// tensor names mapped to the model's. Forward parity of each layout against
// the plain-PyTorch reference is in tests/reference (test_reference.py).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "xmas/model/checkpoint_match.h"
#include "xmas/model/config.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

void ExpectHas(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

std::string Error(const std::string& json) {
  auto c = ConfigFromJson(json, "config.json");
  EXPECT_FALSE(c.ok()) << json;
  return c.ok() ? std::string() : c.status().message();
}

// The error of `base` with its first `from` replaced by `to`.
std::string ErrorWith(std::string base, const std::string& from, const std::string& to) {
  base.replace(base.find(from), from.size(), to);
  return Error(base);
}

// Abridged from liuhaotian/llava-v1.5-7b/config.json.
constexpr char kLlava15[] = R"({"architectures": ["LlavaLlamaForCausalLM"], "model_type": "llava_llama",
  "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 11008, "max_position_embeddings": 4096,
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32, "pretraining_tp": 1,
  "rms_norm_eps": 1e-05, "rope_scaling": null, "tie_word_embeddings": false, "vocab_size": 32000,
  "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "torch_dtype": "float16",
  "image_aspect_ratio": "pad", "freeze_mm_mlp_adapter": false, "mm_hidden_size": 1024,
  "mm_projector_type": "mlp2x_gelu", "mm_use_im_patch_token": false, "mm_use_im_start_end": false,
  "mm_vision_select_feature": "patch", "mm_vision_select_layer": -2,
  "mm_vision_tower": "openai/clip-vit-large-patch14-336", "tune_mm_mlp_adapter": false, "use_mm_proj": true})";

TEST(LayoutTest, OriginalLlavaFlatConfigReadsAsWhatItIs) {
  auto c = ConfigFromJson(kLlava15, "config.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->layout, CheckpointLayout::kLlavaFlat);
  EXPECT_EQ(c->text.model_type, "llama");
  EXPECT_EQ(c->text.hidden_size, 4096);
  EXPECT_EQ(c->text.num_hidden_layers, 32);
  EXPECT_EQ(c->text.max_position_embeddings, 4096);
  EXPECT_EQ(c->vision.image_size, 336);
  EXPECT_EQ(c->vision.num_hidden_layers, 24);
  EXPECT_EQ(c->vision_feature_layer, -2);
  EXPECT_EQ(c->vision_feature_select_strategy, "patch");
  EXPECT_EQ(c->image_token_count(), 576);
  EXPECT_EQ(c->image_token_index, -200);  // LLaVA's IMAGE_TOKEN_INDEX
  EXPECT_EQ(c->image_aspect_ratio, "pad");
  EXPECT_EQ(c->torch_dtype, "float16");
  ExpectHas(ArchitectureName(*c), "llava flat (original LLaVA / TinyLLaVA v1): clip_vision_model tower + llama");
}

TEST(LayoutTest, FlatOptionsXmasDoesNotImplementAreRefused) {
  auto with = [](const std::string& from, const std::string& to) { return ErrorWith(kLlava15, from, to); };
  ExpectHas(with(R"("mm_use_im_start_end": false)", R"("mm_use_im_start_end": true)"),
            "field 'mm_use_im_start_end': true is not supported");
  ExpectHas(with(R"("mm_vision_select_feature": "patch")", R"("mm_vision_select_feature": "cls")"),
            "field 'mm_vision_select_feature': 'cls' is not supported (supported: patch, cls_patch)");
  ExpectHas(with(R"("mm_hidden_size": 1024)", R"("mm_hidden_size": 1152)"),
            "field 'mm_hidden_size': 1152 differs from the tower's hidden_size 1024");
  ExpectHas(with(R"("openai/clip-vit-large-patch14-336")", R"("my/tower")"),
            "field 'mm_vision_tower': 'my/tower' is neither a known tower (openai/clip-vit-large-patch14-336");
  ExpectHas(with(R"("image_aspect_ratio": "pad")", R"("image_aspect_ratio": "anyres")"),
            "field 'image_aspect_ratio': 'anyres' is not supported (supported: pad, square)");
  ExpectHas(with(R"("LlavaLlamaForCausalLM")", R"("LlavaMistralForCausalLM")"),
            "'LlavaMistralForCausalLM' does not match model_type 'llava_llama'");
}

// TinyLLaVA v1 (bczhou/TinyLLaVA-3.1B style): flat "llava", Phi-2 fields at the top, SigLIP.
TEST(LayoutTest, TinyLlavaV1FlatConfigTakesItsFamilyFromTheClass) {
  auto c = ConfigFromJson(R"({"architectures": ["TinyLlavaPhiForCausalLM"], "model_type": "llava",
    "hidden_size": 2560, "intermediate_size": 10240, "num_attention_heads": 32, "num_hidden_layers": 32,
    "num_key_value_heads": 32, "partial_rotary_factor": 0.4, "hidden_act": "gelu_new", "layer_norm_eps": 1e-05,
    "rope_theta": 10000.0, "vocab_size": 51200, "tie_word_embeddings": false, "qk_layernorm": false,
    "mm_vision_tower": "google/siglip-so400m-patch14-384", "mm_hidden_size": 1152,
    "mm_projector_type": "mlp2x_gelu", "mm_vision_select_feature": "patch", "mm_vision_select_layer": -2,
    "image_aspect_ratio": "pad", "tokenizer_padding_side": "right", "tokenizer_model_max_length": 3072})",
                          "config.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->layout, CheckpointLayout::kLlavaFlat);
  EXPECT_EQ(c->text.model_type, "phi");
  EXPECT_EQ(c->text.rotary_dim(), 32);
  EXPECT_TRUE(c->vision.is_siglip());
  EXPECT_EQ(c->vision.grid(), 27);
  EXPECT_EQ(c->image_token_count(), 728);  // 27 x 27, "patch" drops the first as TinyLLaVA does
}

TEST(LayoutTest, FlatTowerFolderIsReadBesideTheConfig) {
  const fs::path dir = fs::temp_directory_path() / ("xmas_layout_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "tower");
  std::ofstream(dir / "tower" / "config.json")
      << R"({"model_type": "clip", "vision_config": {"hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": 2, "num_attention_heads": 4, "image_size": 16, "patch_size": 8}})";
  std::string j = kLlava15;
  j.replace(j.find("openai/clip-vit-large-patch14-336"), 33, "tower");
  j.replace(j.find(R"("mm_hidden_size": 1024)"), 22, R"("mm_hidden_size": 32)");
  auto c = ConfigFromJson(j, (dir / "config.json").string());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->vision.hidden_size, 32);
  EXPECT_EQ(c->image_token_count(), 4);
  fs::remove_all(dir);
}

// Abridged from tinyllava/TinyLLaVA-Phi-2-SigLIP-3.1B/config.json (TinyLLaVA Factory).
constexpr char kFactory[] = R"({"architectures": ["TinyLlavaForConditionalGeneration"], "model_type": "tinyllava",
  "cache_dir": null, "connector_type": "mlp2x_gelu", "hidden_size": 2560, "ignore_index": -100,
  "image_aspect_ratio": "square", "image_token_index": -200, "llm_model_name_or_path": "microsoft/phi-2",
  "num_queries": 128, "num_resampler_layers": 3, "pad_token": "<|endoftext|>", "pad_token_id": 50256,
  "resampler_hidden_size": 768,
  "text_config": {"_name_or_path": "microsoft/phi-2", "architectures": ["PhiForCausalLM"], "model_type": "phi",
    "hidden_act": "gelu_new", "hidden_size": 2560, "intermediate_size": 10240, "layer_norm_eps": 1e-05,
    "max_position_embeddings": 2048, "num_attention_heads": 32, "num_hidden_layers": 32,
    "num_key_value_heads": 32, "partial_rotary_factor": 0.4, "qk_layernorm": false, "rope_scaling": null,
    "rope_theta": 10000.0, "vocab_size": 51200, "bos_token_id": 50256, "eos_token_id": 50256,
    "tie_word_embeddings": false},
  "tokenizer_model_max_length": 3072, "tokenizer_name_or_path": "microsoft/phi-2",
  "tokenizer_padding_side": "right", "tokenizer_use_fast": false, "torch_dtype": "float16",
  "tune_type_connector": "full", "tune_type_llm": "full", "tune_type_vision_tower": "frozen",
  "tune_vision_tower_from_layer": 0, "use_cache": true, "vision_feature_layer": -2,
  "vision_feature_select_strategy": "patch", "vision_hidden_size": 1152,
  "vision_model_name_or_path": "google/siglip-so400m-patch14-384", "vision_model_name_or_path2": "",
  "vision_config": {"hidden_act": "gelu_pytorch_tanh", "hidden_size": 1152, "image_size": 384,
    "intermediate_size": 4304, "layer_norm_eps": 1e-06, "model_type": "siglip_vision_model",
    "num_attention_heads": 16, "num_channels": 3, "num_hidden_layers": 27, "patch_size": 14}})";

TEST(LayoutTest, TinyLlavaFactoryConfigReadsAsWhatItIs) {
  auto c = ConfigFromJson(kFactory, "config.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->layout, CheckpointLayout::kTinyLlava);
  EXPECT_EQ(c->text.model_type, "phi");
  EXPECT_EQ(c->text.hidden_size, 2560);
  EXPECT_TRUE(c->vision.is_siglip());
  EXPECT_EQ(c->vision.num_hidden_layers, 27);
  EXPECT_EQ(c->projector_type, "mlp2x_gelu");
  EXPECT_EQ(c->image_token_index, -200);
  EXPECT_EQ(c->pad_token_id, 50256);
  EXPECT_EQ(c->bos_token_id, 50256);
  EXPECT_EQ(c->image_aspect_ratio, "square");
  EXPECT_EQ(c->image_token_count(), 728);
}

TEST(LayoutTest, TinyLlavaFactoryOptionsXmasDoesNotImplementAreRefused) {
  auto with = [](const std::string& from, const std::string& to) { return ErrorWith(kFactory, from, to); };
  ExpectHas(with(R"("connector_type": "mlp2x_gelu")", R"("connector_type": "resampler")"),
            "field 'connector_type': 'resampler' is not supported (supported: mlp2x_gelu, linear)");
  ExpectHas(with(R"("vision_model_name_or_path2": "")", R"("vision_model_name_or_path2": "x")"),
            "field 'vision_model_name_or_path2': \"x\" is not supported");
  ExpectHas(with(R"("model_type": "phi")", R"("model_type": "gemma")"),
            "field 'text_config.model_type': 'gemma' is not a supported decoder family");
}

TEST(LayoutTest, TensorNamesMapToTheModelsParameters) {
  const auto flat = CheckpointLayout::kLlavaFlat, factory = CheckpointLayout::kTinyLlava;
  const struct {
    CheckpointLayout layout;
    const char *file, *model;
  } kCases[] = {
      {flat, "model.mm_projector.0.weight", "multi_modal_projector.linear_1.weight"},
      {flat, "model.mm_projector.2.bias", "multi_modal_projector.linear_2.bias"},
      {flat, "model.vision_tower.vision_tower.vision_model.post_layernorm.weight",
       "vision_tower.vision_model.post_layernorm.weight"},
      {flat, "model.layers.3.self_attn.q_proj.weight", "language_model.model.layers.3.self_attn.q_proj.weight"},
      {flat, "lm_head.weight", "language_model.lm_head.weight"},
      {factory, "connector._connector.0.weight", "multi_modal_projector.linear_1.weight"},
      {factory, "connector._connector.2.weight", "multi_modal_projector.linear_2.weight"},
      {factory, "vision_tower._vision_tower.vision_model.head.probe", "vision_tower.vision_model.head.probe"},
      {factory, "language_model.model.final_layernorm.bias", "language_model.model.final_layernorm.bias"},
      // A name of another layout is not mapped, so strict loading reports it.
      {factory, "model.mm_projector.0.weight", "model.mm_projector.0.weight"},
      {CheckpointLayout::kHfLlava, "model.language_model.norm.weight", "language_model.model.norm.weight"},
  };
  for (const auto& c : kCases) EXPECT_EQ(LayoutTensorName(c.layout, c.file), c.model) << c.file;
}

}  // namespace
}  // namespace xmas::model
