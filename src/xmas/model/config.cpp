#include "xmas/model/config.h"

#include <nlohmann/json.hpp>

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::model {
namespace {

using Json = nlohmann::json;

bool IsKnownActivation(const std::string& name) {
  return name == "gelu" || name == "quick_gelu" || name == "gelu_pytorch_tanh" ||
         name == "gelu_new" || name == "silu" || name == "relu";
}

// Reads JSON fields with the file and the dotted field name in every error.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string source, std::string prefix)
      : object_(object), source_(std::move(source)), prefix_(std::move(prefix)) {}

  template <typename T>
  void Read(const char* key, T* out) {
    if (!status_.ok() || !object_.contains(key) || object_[key].is_null()) return;
    const Json& value = object_[key];
    bool ok = false;
    if constexpr (std::is_same_v<T, bool>) {
      ok = value.is_boolean();
    } else if constexpr (std::is_integral_v<T>) {
      ok = value.is_number_integer();
    } else if constexpr (std::is_floating_point_v<T>) {
      ok = value.is_number();
    } else {
      ok = value.is_string();
    }
    if (!ok) {
      status_ = Status::InvalidInput(source_ + ": field '" + prefix_ + key + "': expected " +
                                     ExpectedName<T>() + ", got " + value.dump());
      return;
    }
    *out = value.get<T>();
  }
  const Status& status() const { return status_; }

 private:
  template <typename T>
  static const char* ExpectedName() {
    if constexpr (std::is_same_v<T, bool>) return "a boolean";
    else if constexpr (std::is_integral_v<T>) return "an integer";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else return "a string";
  }
  const Json& object_;
  std::string source_, prefix_;
  Status status_;
};

Status ReadVision(const Json& j, const std::string& source, VisionConfig* v) {
  FieldReader r(j, source, "vision_config.");
  r.Read("hidden_size", &v->hidden_size);
  r.Read("intermediate_size", &v->intermediate_size);
  r.Read("num_hidden_layers", &v->num_hidden_layers);
  r.Read("num_attention_heads", &v->num_attention_heads);
  r.Read("num_channels", &v->num_channels);
  r.Read("image_size", &v->image_size);
  r.Read("patch_size", &v->patch_size);
  r.Read("layer_norm_eps", &v->layer_norm_eps);
  r.Read("hidden_act", &v->hidden_act);
  return r.status();
}

Status ReadText(const Json& j, const std::string& source, TextConfig* t) {
  FieldReader r(j, source, "text_config.");
  r.Read("vocab_size", &t->vocab_size);
  r.Read("hidden_size", &t->hidden_size);
  r.Read("intermediate_size", &t->intermediate_size);
  r.Read("num_hidden_layers", &t->num_hidden_layers);
  r.Read("num_attention_heads", &t->num_attention_heads);
  t->num_key_value_heads = t->num_attention_heads;  // HF: None means no grouping
  r.Read("num_key_value_heads", &t->num_key_value_heads);
  r.Read("max_position_embeddings", &t->max_position_embeddings);
  r.Read("rms_norm_eps", &t->rms_norm_eps);
  r.Read("rope_theta", &t->rope_theta);
  r.Read("attention_bias", &t->attention_bias);
  r.Read("tie_word_embeddings", &t->tie_word_embeddings);
  r.Read("hidden_act", &t->hidden_act);
  XMAS_RETURN_IF_ERROR(r.status());
  if (j.contains("rope_scaling") && !j["rope_scaling"].is_null()) {
    return Status::InvalidInput(source + ": field 'text_config.rope_scaling': not supported (" +
                                j["rope_scaling"].dump() + ")");
  }
  if (j.contains("model_type") && j["model_type"].is_string() &&
      j["model_type"] != "llama" && j["model_type"] != "mistral") {
    log::Warn(source, ": text_config.model_type '", j["model_type"].get<std::string>(),
              "' is read as a LLaMA-style decoder");
  }
  return Status::Ok();
}

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

Status ReadTop(const Json& j, const std::string& source, ModelConfig* c) {
  FieldReader r(j, source, "");
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
  XMAS_RETURN_IF_ERROR(r.status());
  if (j.contains("vision_feature_layer") && !j["vision_feature_layer"].is_number_integer()) {
    return Status::InvalidInput(source + ": field 'vision_feature_layer': expected an integer " +
                                "(several layers are not supported), got " +
                                j["vision_feature_layer"].dump());
  }
  FieldReader layer(j, source, "");
  layer.Read("vision_feature_layer", &c->vision_feature_layer);
  return layer.status();
}

// Sizes are also capped, so a hostile config.json cannot make the model
// allocate a tensor of a size it chose (layer counts lower: they multiply).
Status CheckPositive(const std::string& field, int64_t value) {
  const int64_t limit = field.find("num_hidden_layers") != std::string::npos ? kMaxConfigLayers : kMaxConfigDim;
  if (value > 0 && value <= limit) return Status::Ok();
  return Status::InvalidInput("field '" + field + "': must be in 1.." + std::to_string(limit) + ", got " +
                              std::to_string(value));
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
  if (v.image_size % v.patch_size != 0) {
    return Status::InvalidInput("field 'vision_config.patch_size': " + std::to_string(v.patch_size) +
                                " does not divide image_size " + std::to_string(v.image_size));
  }
  if (!(v.layer_norm_eps > 0)) {
    return Status::InvalidInput("field 'vision_config.layer_norm_eps': must be positive");
  }
  if (!IsKnownActivation(v.hidden_act)) {
    return Status::InvalidInput("field 'vision_config.hidden_act': unknown activation '" +
                                v.hidden_act + "'");
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
  if (!(t.rms_norm_eps > 0) || !(t.rope_theta > 0)) {
    return Status::InvalidInput("field 'text_config.rms_norm_eps'/'rope_theta': must be positive");
  }
  if (!IsKnownActivation(t.hidden_act)) {
    return Status::InvalidInput("field 'text_config.hidden_act': unknown activation '" +
                                t.hidden_act + "'");
  }
  return Status::Ok();
}

}  // namespace

int64_t ModelConfig::image_token_count() const {
  return vision.num_patches() + (vision_feature_select_strategy == "full" ? 1 : 0);
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
  if (!IsKnownActivation(c.projector_hidden_act)) {
    return Status::InvalidInput("field 'projector_hidden_act': unknown activation '" +
                                c.projector_hidden_act + "'");
  }
  if (c.vision_feature_select_strategy != "default" && c.vision_feature_select_strategy != "full") {
    return Status::InvalidInput("field 'vision_feature_select_strategy': expected 'default' or 'full', got '" +
                                c.vision_feature_select_strategy + "'");
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
  ModelConfig c;
  c.text = TextConfig{};
  if (j.contains("vision_config") && j["vision_config"].is_object()) {
    c.vision = ClipClassDefaults();
    XMAS_RETURN_IF_ERROR(ReadVision(j["vision_config"], source, &c.vision));
  } else {
    c.vision = LlavaDefaultVision();
  }
  if (j.contains("text_config") && j["text_config"].is_object()) {
    XMAS_RETURN_IF_ERROR(ReadText(j["text_config"], source, &c.text));
  }
  XMAS_RETURN_IF_ERROR(ReadTop(j, source, &c));
  Status valid = Validate(c);
  if (!valid.ok()) return valid.WithPrefix(source);
  return c;
}

std::string ConfigToJson(const ModelConfig& c) {
  const VisionConfig& v = c.vision;
  const TextConfig& t = c.text;
  Json vision = {{"model_type", "clip_vision_model"}, {"hidden_size", v.hidden_size},
                 {"intermediate_size", v.intermediate_size},
                 {"num_hidden_layers", v.num_hidden_layers},
                 {"num_attention_heads", v.num_attention_heads},
                 {"num_channels", v.num_channels}, {"image_size", v.image_size},
                 {"patch_size", v.patch_size}, {"layer_norm_eps", v.layer_norm_eps},
                 {"hidden_act", v.hidden_act}};
  Json text = {{"model_type", "llama"}, {"vocab_size", t.vocab_size},
               {"hidden_size", t.hidden_size}, {"intermediate_size", t.intermediate_size},
               {"num_hidden_layers", t.num_hidden_layers},
               {"num_attention_heads", t.num_attention_heads},
               {"num_key_value_heads", t.num_key_value_heads},
               {"max_position_embeddings", t.max_position_embeddings},
               {"rms_norm_eps", t.rms_norm_eps}, {"rope_theta", t.rope_theta},
               {"attention_bias", t.attention_bias},
               {"tie_word_embeddings", t.tie_word_embeddings}, {"hidden_act", t.hidden_act}};
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
  return j.dump(2) + "\n";
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
