#include "xmas/model/config.h"

#include "xmas/model/config_json.h"
#include "xmas/model/config_layouts.h"
#include "xmas/model/family.h"

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::model {
namespace {

Status ReadVision(const Json& j, const std::string& source, const std::string& prefix, VisionConfig* v) {
  JsonFields r(j, source, prefix);
  r.Read("hidden_size", &v->hidden_size);
  r.Read("intermediate_size", &v->intermediate_size);
  r.Read("num_hidden_layers", &v->num_hidden_layers);
  r.Read("num_attention_heads", &v->num_attention_heads);
  r.Read("num_channels", &v->num_channels);
  r.Read("image_size", &v->image_size);
  r.Read("patch_size", &v->patch_size);
  r.Read("layer_norm_eps", &v->layer_norm_eps);
  r.Read("hidden_act", &v->hidden_act);
  if (v->is_siglip()) r.Read("vision_use_head", &v->vision_use_head);
  return r.status();
}

// rope_scaling: absent, null or the "default" kind (plain RoPE).
Status CheckRopeScaling(JsonFields& r) {
  if (!r.Has("rope_scaling")) return r.status();
  const Json& v = r.object()["rope_scaling"];
  const Json kind = v.is_object() ? v.value("rope_type", v.value("type", Json())) : Json();
  if (!(kind.is_string() && kind == "default")) {
    r.Fail("rope_scaling", v.dump() + " is not supported (supported: null, {\"rope_type\": \"default\"})");
  }
  return r.status();
}

// The family named by model_type (absent: llama, LlavaConfig's default) and
// its HF class, when architectures names one.
Result<const DecoderFamily*> TextFamily(const Json& j, const std::string& source) {
  JsonFields r(j, source, "text_config.");
  std::string type = "llama";
  r.Read("model_type", &type);
  XMAS_RETURN_IF_ERROR(r.status());
  const DecoderFamily* family = FindFamily(type);
  if (family == nullptr) {
    r.Fail("model_type", "'" + type + "' is not a supported decoder family (supported: " +
                             JoinNames(FamilyNames()) + ")");
    return r.status();
  }
  if (j.contains("architectures") && j["architectures"].is_array()) {
    for (const auto& a : j["architectures"]) {
      if (!(a.is_string() && a == family->hf_class)) {
        r.Fail("architectures", a.dump() + " does not match model_type '" + type + "' (expected \"" +
                                    family->hf_class + "\")");
      }
    }
  }
  XMAS_RETURN_IF_ERROR(r.status());
  return family;
}

}  // namespace

Status ReadTextFields(const Json& j, const std::string& source, const std::string& prefix,
                      const DecoderFamily* family, TextConfig* t) {
  *t = family->defaults();
  JsonFields r(j, source, prefix);
  r.Read("vocab_size", &t->vocab_size);
  r.Read("hidden_size", &t->hidden_size);
  r.Read("intermediate_size", &t->intermediate_size);
  r.Read("num_hidden_layers", &t->num_hidden_layers);
  r.Read("num_attention_heads", &t->num_attention_heads);
  r.Read("num_key_value_heads", &t->num_key_value_heads);
  if (t->num_key_value_heads == 0) t->num_key_value_heads = t->num_attention_heads;  // None: no grouping
  r.Read("max_position_embeddings", &t->max_position_embeddings);
  r.Read("rope_theta", &t->rope_theta);
  r.Read("tie_word_embeddings", &t->tie_word_embeddings);
  r.Read("hidden_act", &t->hidden_act);
  if (r.Has("head_dim") && r.status().ok()) {
    int64_t head_dim = 0;
    r.Read("head_dim", &head_dim);
    if (r.status().ok() && t->num_attention_heads > 0 && head_dim != t->head_dim()) {
      r.Fail("head_dim", std::to_string(head_dim) + " differs from hidden_size / num_attention_heads = " +
                             std::to_string(t->head_dim()) + " (not supported)");
    }
  }
  XMAS_RETURN_IF_ERROR(CheckRopeScaling(r));
  return family->read(r, t);
}

Status ReadText(const Json& j, const std::string& source, TextConfig* t) {
  XMAS_ASSIGN_OR_RETURN(const DecoderFamily* family, TextFamily(j, source));
  return ReadTextFields(j, source, "text_config.", family, t);
}

namespace {

// LlavaConfig's default tower when vision_config is absent: CLIP ViT-L/14-336.
VisionConfig LlavaDefaultVision() { return VisionConfig{}; }

// CLIPVisionConfig's class defaults (ViT-B/32), used for a vision_config
// object that leaves fields out.
VisionConfig ClipClassDefaults() {
  VisionConfig v;
  v.hidden_size = 768;
  v.intermediate_size = 3072;
  v.num_hidden_layers = 12;
  v.num_attention_heads = 12;
  v.image_size = 224;
  v.patch_size = 32;
  return v;
}

// SiglipVisionConfig's class defaults (SigLIP base, patch 16 at 224).
VisionConfig SiglipClassDefaults() {
  VisionConfig v = ClipClassDefaults();
  v.model_type = "siglip_vision_model";
  v.patch_size = 16;
  v.layer_norm_eps = 1e-6;
  v.hidden_act = "gelu_pytorch_tanh";
  return v;
}

}  // namespace

Status ReadTop(const Json& j, const std::string& source, ModelConfig* c) {
  JsonFields r(j, source, "");
  r.Read("mm_projector_type", &c->projector_type);
  r.Read("projector_hidden_act", &c->projector_hidden_act);
  r.Read("vision_feature_select_strategy", &c->vision_feature_select_strategy);
  r.Read("image_token_id", &c->image_token_index);  // newer HF name
  r.Read("image_token_index", &c->image_token_index);
  r.Read("pad_token_id", &c->pad_token_id);
  r.Read("bos_token_id", &c->bos_token_id);
  r.Read("eos_token_id", &c->eos_token_id);
  r.Read("torch_dtype", &c->torch_dtype);
  r.Read("tie_word_embeddings", &c->text.tie_word_embeddings);
  r.Read("image_aspect_ratio", &c->image_aspect_ratio);  // xmas's own extension of the HF layout
  XMAS_RETURN_IF_ERROR(r.status());
  if (j.contains("vision_feature_layer") && !j["vision_feature_layer"].is_number_integer()) {
    return Status::InvalidInput(source + ": field 'vision_feature_layer': expected an integer " +
                                "(several layers are not supported), got " +
                                j["vision_feature_layer"].dump());
  }
  JsonFields layer(j, source, "");
  layer.Read("vision_feature_layer", &c->vision_feature_layer);
  return layer.status();
}

namespace {

// Why a known non-llava model_type is refused (others get the generic message).
const char* RefusalReason(const std::string& type) {
  static const std::pair<const char*, const char*> kKnown[] = {
      {"qwen2_vl", "Qwen2-VL is not supported: not a LLaVA-style model (M-RoPE, dynamic resolution)"},
      {"qwen2_5_vl", "Qwen2.5-VL is not supported: not a LLaVA-style model (M-RoPE, dynamic resolution)"},
      {"llava_next", "LLaVA-NeXT's any-resolution image tiling is not supported"},
      {"llava_onevision", "LLaVA-OneVision's any-resolution image tiling is not supported"},
  };
  for (const auto& [name, reason] : kKnown) {
    if (type == name) return reason;
  }
  return "not a supported model type";
}

// Top-level fields that only a flat config (LLM fields at the top, no
// text_config: original LLaVA, TinyLLaVA v1) has.
constexpr const char* kFlatMarkers[] = {"hidden_size", "num_hidden_layers", "num_attention_heads",
                                        "mm_vision_tower", "mm_hidden_size", "vision_tower"};

// model_type, architectures and the nesting: only the HF llava layout
// (LlavaForConditionalGeneration, text_config + vision_config) is read.
Status CheckLayout(const Json& j, const std::string& source) {
  JsonFields r(j, source, "");
  std::string type = "llava";
  r.Read("model_type", &type);
  if (r.status().ok() && type != "llava") {
    r.Fail("model_type", "'" + type + "': " + RefusalReason(type) +
                             " (supported: llava, llava_llama, llava_mistral, tinyllava)");
  }
  if (r.status().ok() && j.contains("architectures")) {
    if (!j["architectures"].is_array()) r.Fail("architectures", "expected an array of class names");
    for (const auto& a : j["architectures"]) {
      if (r.status().ok() && !(a.is_string() && a == "LlavaForConditionalGeneration")) {
        r.Fail("architectures", a.dump() + " is not supported (supported: LlavaForConditionalGeneration)");
      }
    }
  }
  for (const char* key : kFlatMarkers) {
    if (r.status().ok() && j.contains(key) && !j.contains("text_config")) {
      r.Fail(key, "a flat config (LLM fields at the top level, as the original LLaVA repository and "
                  "TinyLLaVA v1 write them) must name its tower in mm_vision_tower; the HF llava layout "
                  "has text_config + vision_config");
    }
  }
  for (const char* key : {"text_config", "vision_config"}) {
    if (r.status().ok() && j.contains(key) && !j[key].is_object()) r.Fail(key, "expected an object");
  }
  return r.status();
}

// The class defaults of vision_config.model_type (absent: CLIP, LlavaConfig's default).
Result<VisionConfig> VisionDefaults(const Json& v, const std::string& source, const std::string& prefix) {
  JsonFields r(v, source, prefix);
  std::string type = "clip_vision_model";
  r.Read("model_type", &type);
  XMAS_RETURN_IF_ERROR(r.status());
  if (type == "clip_vision_model") return ClipClassDefaults();
  if (type == "siglip_vision_model") return SiglipClassDefaults();
  r.Fail("model_type", "'" + type + "' is not a supported vision tower (supported: clip_vision_model, "
                                    "siglip_vision_model)");
  return r.status();
}

}  // namespace

Result<VisionConfig> ReadVisionConfig(const Json& v, const std::string& source, const std::string& prefix) {
  if (!v.is_object()) return Status::InvalidInput(source + ": field '" + prefix + "': expected an object");
  XMAS_ASSIGN_OR_RETURN(VisionConfig vision, VisionDefaults(v, source, prefix));
  XMAS_RETURN_IF_ERROR(ReadVision(v, source, prefix, &vision));
  return vision;
}

namespace {

// Sizes are also capped, so a hostile config.json cannot make the model
// allocate a tensor of a size it chose (layer counts lower: they multiply).
Status CheckPositive(const std::string& field, int64_t value) {
  const int64_t limit = field.find("num_hidden_layers") != std::string::npos ? kMaxConfigLayers : kMaxConfigDim;
  if (value > 0 && value <= limit) return Status::Ok();
  return Status::InvalidInput("field '" + field + "': must be in 1.." + std::to_string(limit) + ", got " +
                              std::to_string(value));
}

Status CheckActivation(const std::string& field, const std::string& name) {
  if (IsKnownActivation(name)) return Status::Ok();
  return Status::InvalidInput("field '" + field + "': unknown activation '" + name + "' (supported: " +
                              JoinNames(KnownActivations()) + ")");
}

Status ValidateVision(const VisionConfig& v) {
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.hidden_size", v.hidden_size));
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.intermediate_size", v.intermediate_size));
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.num_hidden_layers", v.num_hidden_layers));
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.num_attention_heads", v.num_attention_heads));
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.num_channels", v.num_channels));
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.patch_size", v.patch_size));
  XMAS_RETURN_IF_ERROR(CheckPositive("vision_config.image_size", v.image_size));
  if (v.hidden_size % v.num_attention_heads != 0) {
    return Status::InvalidInput("field 'vision_config.num_attention_heads': " +
                                std::to_string(v.num_attention_heads) + " does not divide hidden_size " +
                                std::to_string(v.hidden_size));
  }
  if (v.image_size < v.patch_size) {
    return Status::InvalidInput("field 'vision_config.patch_size': " + std::to_string(v.patch_size) +
                                " is larger than image_size " + std::to_string(v.image_size));
  }
  if (v.model_type != "clip_vision_model" && v.model_type != "siglip_vision_model") {
    return Status::InvalidInput("field 'vision_config.model_type': '" + v.model_type +
                                "' is not a supported vision tower (supported: clip_vision_model, siglip_vision_model)");
  }
  if (!(v.layer_norm_eps > 0)) {
    return Status::InvalidInput("field 'vision_config.layer_norm_eps': must be positive");
  }
  XMAS_RETURN_IF_ERROR(CheckActivation("vision_config.hidden_act", v.hidden_act));
  return Status::Ok();
}

// What only some families allow: partial rotary sizes, a tied head with a bias.
Status ValidateFamily(const TextConfig& t) {
  const DecoderFamily* family = FindFamily(t.model_type);
  if (family == nullptr) {
    return Status::InvalidInput("field 'text_config.model_type': '" + t.model_type +
                                "' is not a supported decoder family (supported: " + JoinNames(FamilyNames()) + ")");
  }
  if (!(t.partial_rotary_factor > 0 && t.partial_rotary_factor <= 1) || t.rotary_dim() % 2 != 0 ||
      t.rotary_dim() < 2) {
    return Status::InvalidInput("field 'text_config.partial_rotary_factor': " +
                                std::to_string(t.partial_rotary_factor) + " x head size " +
                                std::to_string(t.head_dim()) + " must give an even rotary size >= 2");
  }
  if (t.sliding_window < 0) {
    return Status::InvalidInput("field 'text_config.sliding_window': must not be negative");
  }
  if (t.tie_word_embeddings && family->spec(t).lm_head_bias) {
    return Status::InvalidInput("field 'tie_word_embeddings': a tied LM head with a bias (" + t.model_type +
                                ") is not supported");
  }
  return Status::Ok();
}

Status ValidateText(const TextConfig& t) {
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.vocab_size", t.vocab_size));
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.hidden_size", t.hidden_size));
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.intermediate_size", t.intermediate_size));
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.num_hidden_layers", t.num_hidden_layers));
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.num_attention_heads", t.num_attention_heads));
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.num_key_value_heads", t.num_key_value_heads));
  if (t.hidden_size % t.num_attention_heads != 0 || t.head_dim() % 2 != 0) {
    return Status::InvalidInput("field 'text_config.num_attention_heads': hidden_size " +
                                std::to_string(t.hidden_size) + " / " +
                                std::to_string(t.num_attention_heads) +
                                " heads must give an even head size (RoPE)");
  }
  if (t.num_attention_heads % t.num_key_value_heads != 0) {
    return Status::InvalidInput("field 'text_config.num_key_value_heads': " +
                                std::to_string(t.num_key_value_heads) +
                                " does not divide num_attention_heads " +
                                std::to_string(t.num_attention_heads));
  }
  if (!(t.rms_norm_eps > 0) || !(t.layer_norm_eps > 0) || !(t.rope_theta > 0)) {
    return Status::InvalidInput("field 'text_config.rms_norm_eps'/'layer_norm_eps'/'rope_theta': must be positive");
  }
  XMAS_RETURN_IF_ERROR(CheckActivation("text_config.hidden_act", t.hidden_act));
  return ValidateFamily(t);
}

}  // namespace

int64_t ModelConfig::image_token_count() const {
  return vision.num_tokens() - (drops_first_token() ? 1 : 0);
}

int64_t ModelConfig::resolved_feature_layer() const {
  return vision_feature_layer < 0 ? vision.num_hidden_layers + 1 + vision_feature_layer
                                  : vision_feature_layer;
}

Status Validate(const ModelConfig& c) {
  XMAS_RETURN_IF_ERROR(ValidateVision(c.vision));
  XMAS_RETURN_IF_ERROR(ValidateText(c.text));
  if (c.projector_type != "mlp2x_gelu" && c.projector_type != "linear") {
    return Status::InvalidInput("field 'mm_projector_type': expected 'mlp2x_gelu' or 'linear', got '" +
                                c.projector_type + "'");
  }
  XMAS_RETURN_IF_ERROR(CheckActivation("projector_hidden_act", c.projector_hidden_act));
  if (c.image_aspect_ratio != "pad" && c.image_aspect_ratio != "square") {
    return Status::InvalidInput("field 'image_aspect_ratio': '" + c.image_aspect_ratio +
                                "' is not supported (supported: pad, square)");
  }
  const std::string& s = c.vision_feature_select_strategy;
  if (s != "default" && s != "full" && s != "patch" && s != "cls_patch") {
    return Status::InvalidInput("field 'vision_feature_select_strategy': '" + s +
                                "' is not supported (supported: default, full, patch, cls_patch)");
  }
  const int64_t layer = c.resolved_feature_layer();
  if (layer < 0 || layer > c.vision.num_hidden_layers) {
    return Status::InvalidInput("field 'vision_feature_layer': " +
                                std::to_string(c.vision_feature_layer) + " is outside a tower of " +
                                std::to_string(c.vision.num_hidden_layers) + " layers");
  }
  XMAS_RETURN_IF_ERROR(CheckPositive("text_config.max_position_embeddings", c.text.max_position_embeddings));
  const int64_t parameters = CountParameters(c).total();
  if (parameters > kMaxModelParameters) {
    return Status::InvalidInput("config: " + std::to_string(parameters) + " parameters, above the limit of " +
                                std::to_string(kMaxModelParameters));
  }
  if (c.torch_dtype != "float32" && c.torch_dtype != "float16" && c.torch_dtype != "bfloat16") {
    return Status::InvalidInput("field 'torch_dtype': expected float32, float16 or bfloat16, got '" +
                                c.torch_dtype + "'");
  }
  return Status::Ok();
}

Result<ModelConfig> ConfigFromJson(const std::string& json_text, const std::string& source) {
  Json j = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidInput(source + ": not a JSON object");
  }
  XMAS_ASSIGN_OR_RETURN(CheckpointLayout layout, DetectLayout(j, source));
  if (layout == CheckpointLayout::kLlavaFlat) return ReadFlatLlavaConfig(j, source);
  if (layout == CheckpointLayout::kTinyLlava) return ReadTinyLlavaConfig(j, source);
  XMAS_RETURN_IF_ERROR(CheckLayout(j, source));
  ModelConfig c;
  c.text = TextConfig{};
  if (j.contains("vision_config")) {
    XMAS_ASSIGN_OR_RETURN(c.vision, ReadVisionConfig(j["vision_config"], source, "vision_config."));
  } else {
    c.vision = LlavaDefaultVision();
  }
  if (j.contains("text_config")) {
    XMAS_RETURN_IF_ERROR(ReadText(j["text_config"], source, &c.text));
  }
  XMAS_RETURN_IF_ERROR(ReadTop(j, source, &c));
  return Validated(std::move(c), source);
}

Result<ModelConfig> Validated(ModelConfig c, const std::string& source) {
  Status valid = Validate(c);
  if (!valid.ok()) return valid.WithPrefix(source);
  return c;
}

std::string ConfigToJson(const ModelConfig& c) {
  const VisionConfig& v = c.vision;
  const TextConfig& t = c.text;
  Json vision = {{"model_type", v.model_type}, {"hidden_size", v.hidden_size},
                 {"intermediate_size", v.intermediate_size},
                 {"num_hidden_layers", v.num_hidden_layers},
                 {"num_attention_heads", v.num_attention_heads},
                 {"num_channels", v.num_channels}, {"image_size", v.image_size},
                 {"patch_size", v.patch_size}, {"layer_norm_eps", v.layer_norm_eps},
                 {"hidden_act", v.hidden_act}};
  if (v.is_siglip()) vision["vision_use_head"] = v.vision_use_head;
  Json text = {{"model_type", t.model_type}, {"vocab_size", t.vocab_size},
               {"hidden_size", t.hidden_size}, {"intermediate_size", t.intermediate_size},
               {"num_hidden_layers", t.num_hidden_layers},
               {"num_attention_heads", t.num_attention_heads},
               {"num_key_value_heads", t.num_key_value_heads},
               {"max_position_embeddings", t.max_position_embeddings},
               {"rope_theta", t.rope_theta},
               {"tie_word_embeddings", t.tie_word_embeddings}, {"hidden_act", t.hidden_act}};
  if (const DecoderFamily* family = FindFamily(t.model_type)) {
    text["architectures"] = {family->hf_class};
    family->write(t, &text);
  }
  Json j = {{"architectures", {"LlavaForConditionalGeneration"}},
            {"model_type", "llava"},
            {"vision_config", vision},
            {"text_config", text},
            {"mm_projector_type", c.projector_type},
            {"projector_hidden_act", c.projector_hidden_act},
            {"vision_feature_layer", c.vision_feature_layer},
            {"vision_feature_select_strategy", c.vision_feature_select_strategy},
            {"image_token_index", c.image_token_index},
            {"pad_token_id", c.pad_token_id},
            {"bos_token_id", c.bos_token_id},
            {"eos_token_id", c.eos_token_id},
            {"tie_word_embeddings", t.tie_word_embeddings},
            {"torch_dtype", c.torch_dtype}};
  if (c.image_aspect_ratio != "pad") j["image_aspect_ratio"] = c.image_aspect_ratio;
  return j.dump(2) + "\n";
}

std::string ArchitectureName(const ModelConfig& c) {
  const DecoderFamily* family = FindFamily(c.text.model_type);
  return std::string(LayoutName(c.layout)) + ": " + c.vision.model_type + " tower + " + c.text.model_type + " decoder" +
         (family != nullptr ? std::string(" (") + family->hf_class + ")" : std::string());
}

Result<ModelConfig> LoadConfig(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ConfigFromJson(text, path);
}

Status SaveConfig(const ModelConfig& config, const std::string& path) {
  XMAS_RETURN_IF_ERROR(Validate(config));
  return WriteFileAtomic(path, ConfigToJson(config));
}

}  // namespace xmas::model
