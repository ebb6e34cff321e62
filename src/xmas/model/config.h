// Model configuration: every size of the vision tower, the connector and the
// LLM, read from and written to a `config.json` in the Hugging Face
// LlavaConfig layout (so a real LLaVA checkpoint's config loads unchanged).
//
//   {"model_type": "llava", "vision_config": {...CLIPVisionConfig...},
//    "text_config": {...LlamaConfig...}, "projector_hidden_act": "gelu",
//    "vision_feature_layer": -2, "vision_feature_select_strategy": "default",
//    "image_token_index": 32000, "mm_projector_type": "mlp2x_gelu", ...}
//
// Fields missing from a file take the Hugging Face class defaults
// (CLIPVisionConfig / LlamaConfig; LlavaConfig's CLIP ViT-L/14-336 tower when
// vision_config itself is absent), so short real-world configs read right.
// `mm_projector_type` ("mlp2x_gelu" | "linear") is the original LLaVA key;
// HF's class always uses the two-layer MLP, which is our default.
// No libtorch here: cheap to include anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::model {

// The vision tower: CLIP ViT (HF CLIPVisionConfig) or SigLIP
// (SiglipVisionConfig). CLIP: class token, patch convolution without bias,
// pre-LayerNorm. SigLIP: no class token, patch convolution with bias, no
// pre-LayerNorm, gelu-tanh, an attention-pooling head (unused by LLaVA,
// loaded when vision_use_head). Both: post-LayerNorm (unused by LLaVA), and
// image_size // patch_size patches per side (a remainder is cut off, as the
// strided convolution of HF does: SigLIP 384/14 -> 27 x 27).
struct VisionConfig {
  std::string model_type = "clip_vision_model";  // | "siglip_vision_model"
  int64_t hidden_size = 1024;
  int64_t intermediate_size = 4096;
  int64_t num_hidden_layers = 24;
  int64_t num_attention_heads = 16;
  int64_t num_channels = 3;
  int64_t image_size = 336;
  int64_t patch_size = 14;
  double layer_norm_eps = 1e-5;
  std::string hidden_act = "quick_gelu";  // "quick_gelu" | "gelu" | "gelu_pytorch_tanh"
  bool vision_use_head = true;            // SigLIP: the pooling head's weights exist

  bool is_siglip() const { return model_type == "siglip_vision_model"; }
  bool has_class_token() const { return !is_siglip(); }
  int64_t grid() const { return image_size / patch_size; }    // patches per side
  int64_t num_patches() const { return grid() * grid(); }      // without the class token
  int64_t num_tokens() const { return num_patches() + (has_class_token() ? 1 : 0); }  // per hidden state
  int64_t head_dim() const { return hidden_size / num_attention_heads; }
};

// The decoder: the union of the HF config fields of the supported decoder
// families (family.h). `model_type` names the family; which fields a family
// reads, writes and uses, and its HF class defaults, are in its family_*.cpp.
struct TextConfig {
  std::string model_type = "llama";  // llama | mistral | qwen2 | stablelm | phi (family.h)
  int64_t vocab_size = 32000;
  int64_t hidden_size = 4096;
  int64_t intermediate_size = 11008;
  int64_t num_hidden_layers = 32;
  int64_t num_attention_heads = 32;
  int64_t num_key_value_heads = 32;  // grouped-query attention when < num_attention_heads
  int64_t max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;     // RMSNorm families (llama, mistral, qwen2)
  double layer_norm_eps = 1e-5;   // LayerNorm families (stablelm, phi)
  double rope_theta = 10000.0;
  // Share of each head's features RoPE rotates (the first
  // int(head_dim * factor)); the rest pass through. stablelm 0.25, phi-2 0.4.
  double partial_rotary_factor = 1.0;
  bool attention_bias = false;  // llama/mistral: q/k/v/o biases
  bool use_qkv_bias = false;    // stablelm: q/k/v biases
  bool mlp_bias = false;        // llama: gate/up/down biases
  int64_t sliding_window = 0;   // mistral: keys further back are not seen (0 = none)
  bool tie_word_embeddings = false;  // LM head shares embed_tokens.weight
  std::string hidden_act = "silu";   // MLP activation (the SwiGLU gate's where gated)

  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  // Features per head RoPE rotates (HF: int(partial_rotary_factor * head_dim)).
  int64_t rotary_dim() const {
    return static_cast<int64_t>(partial_rotary_factor * static_cast<double>(head_dim()));
  }
};

// How the checkpoint folder names its config fields and tensors; xmas's
// parameters always carry the HF llava names, and LayoutTensorName
// (checkpoint_match.h) maps a file's names to them.
//   kHfLlava    HF LlavaForConditionalGeneration (text_config + vision_config;
//               classic or transformers >= 4.52 key names)
//   kLlavaFlat  the original LLaVA repository (model_type llava_llama, or
//               llava with LLM fields at the top as TinyLLaVA v1 writes it):
//               mm_* fields, model.mm_projector.{0,2}, model.vision_tower.vision_tower.*
//   kTinyLlava  TinyLLaVA Factory (model_type tinyllava): connector_type,
//               vision_tower._vision_tower.*, connector._connector.*
enum class CheckpointLayout { kHfLlava, kLlavaFlat, kTinyLlava };
const char* LayoutName(CheckpointLayout layout);

struct ModelConfig {
  CheckpointLayout layout = CheckpointLayout::kHfLlava;  // set when read; written as kHfLlava
  VisionConfig vision;
  TextConfig text;
  std::string projector_type = "mlp2x_gelu";  // "mlp2x_gelu" | "linear"
  std::string projector_hidden_act = "gelu";  // activation between the MLP's two layers
  // Which vision hidden state feeds the connector, as an index into HF's
  // hidden_states (embeddings after pre_layrnorm = 0, layer i output = i);
  // negative counts from the end: -1 = last layer, -2 = penultimate.
  int64_t vision_feature_layer = -2;
  // "default" (HF) / "patch" (TinyLLaVA) drop the first token of the hidden
  // state -- CLIP's class token; with SigLIP, which has none, the first patch,
  // as both references do -- "full" / "cls_patch" keep every token.
  std::string vision_feature_select_strategy = "default";
  // The placeholder id the chat template fills the image block with. The
  // model ignores ids inside an image block, so it may lie outside the vocabulary.
  int64_t image_token_index = 32000;
  int64_t pad_token_id = 0;
  int64_t bos_token_id = 1;
  int64_t eos_token_id = 2;
  std::string torch_dtype = "float32";  // dtype weights are written in
  // How a non-square image becomes square before the tower: "pad" (LLaVA-1.5's
  // expand2square with the mean colour; xmas's default for HF llava, whose
  // config has no such field) or "square" (resized, aspect ignored).
  // Read from image_aspect_ratio in the flat and tinyllava layouts.
  std::string image_aspect_ratio = "pad";

  bool drops_first_token() const {
    return vision_feature_select_strategy == "default" || vision_feature_select_strategy == "patch";
  }
  // Image positions one image occupies in the LLM sequence (576 for ViT-L/14-336).
  int64_t image_token_count() const;
  // vision_feature_layer as a non-negative hidden-state index (0..num_hidden_layers).
  int64_t resolved_feature_layer() const;
};

// Checks sizes and names: positive sizes, heads dividing widths, key/value
// heads dividing attention heads, even head_dim (RoPE), image_size a multiple
// of patch_size, known activations/projector/strategy, feature layer in range.
// The message names the field ("text_config.num_key_value_heads: ...").
// Limits (a config file may not choose an absurd allocation): every size
// <= kMaxConfigDim, layer counts <= kMaxConfigLayers, and at most
// kMaxModelParameters parameters in all (LLaVA-1.5-13B has 1.3e10).
constexpr int64_t kMaxConfigDim = 1 << 20;
constexpr int64_t kMaxConfigLayers = 4096;
constexpr int64_t kMaxModelParameters = int64_t{1} << 36;
Status Validate(const ModelConfig& config);

// Parses config.json text. `source` names the file in errors. Validates.
Result<ModelConfig> ConfigFromJson(const std::string& json_text, const std::string& source);
// Serialises in the HF LlavaConfig layout (round-trips through ConfigFromJson).
std::string ConfigToJson(const ModelConfig& config);

Result<ModelConfig> LoadConfig(const std::string& path);
Status SaveConfig(const ModelConfig& config, const std::string& path);  // atomic

// Named presets:
//   tiny        32x32 images, patch 8 (16 image tokens), ViT 3 layers x 64,
//               LLM 4 layers x 128 (4 heads, 2 kv heads), vocab 1024: trains on
//               2 CPU cores in minutes.
//   small       64x64 images, patch 8 (64 tokens), ViT 4x128, LLM 4x256
//               (8 heads, 4 kv heads), vocab 4096.
// The small presets' vocab_size is a placeholder: set text.vocab_size (and
// image_token_index / pad / bos / eos) to the tokenizer's before building.
//   tinyllava   real shapes: CLIP ViT-L/14-336 + TinyLlama-1.1B (22x2048, 32 heads,
//               4 kv heads, 5632 MLP, vocab 32000) ~1.4B parameters.
//   llava-1.5-7b  real shapes: CLIP ViT-L/14-336 + Vicuna-7B (32x4096, vocab 32064).
// A name that is a preset wins; "tiny:vocab=1000" style overrides are not supported.
Result<ModelConfig> PresetConfig(const std::string& name);
std::vector<std::string> PresetNames();

// A preset name or a path to a config.json (a directory means DIR/config.json).
Result<ModelConfig> ResolveConfig(const std::string& name_or_path);

// "llava: clip_vision_model tower + qwen2 decoder (Qwen2ForCausalLM)": what
// the config makes xmas build, for messages about checkpoints.
std::string ArchitectureName(const ModelConfig& config);

// Parameter counts (exact, from the shapes the model builds).
struct ParameterCounts {
  int64_t vision = 0, projector = 0, language = 0;
  int64_t total() const { return vision + projector + language; }
};
ParameterCounts CountParameters(const ModelConfig& config);

}  // namespace xmas::model
