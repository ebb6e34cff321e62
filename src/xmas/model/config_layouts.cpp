#include "xmas/model/config_layouts.h"

#include <filesystem>

#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

// LLaVA's IMAGE_TOKEN_INDEX (llava/constants.py; TinyLLaVA's constants.py too).
constexpr int64_t kLlavaImageTokenIndex = -200;

// Flat-layout classes and the decoder family behind each.
constexpr std::pair<const char*, const char*> kFlatArchitectures[] = {
    {"LlavaLlamaForCausalLM", "llama"},           {"LlavaMistralForCausalLM", "mistral"},
    {"TinyLlavaLlamaForCausalLM", "llama"},       {"TinyLlavaStablelmForCausalLM", "stablelm"},
    {"TinyLlavaPhiForCausalLM", "phi"},
};

std::string FlatArchitectureNames() {
  std::string s;
  for (const auto& [name, family] : kFlatArchitectures) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

std::string StringField(const Json& j, const char* key, const std::string& fallback) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

// The decoder family of a flat config: architectures[0], else model_type.
Result<const DecoderFamily*> FlatFamily(const Json& j, const std::string& source) {
  JsonFields r(j, source, "");
  const std::string type = StringField(j, "model_type", "llava");
  std::string family = type == "llava_mistral" ? "mistral" : "llama";
  if (j.contains("architectures")) {
    const Json& a = j["architectures"];
    if (!a.is_array() || a.size() != 1 || !a[0].is_string()) {
      r.Fail("architectures", "expected one class name, got " + a.dump());
      return r.status();
    }
    const std::string name = a[0].get<std::string>();
    bool found = false;
    for (const auto& [cls, fam] : kFlatArchitectures) {
      if (name == cls) family = fam, found = true;
    }
    if (!found) {
      r.Fail("architectures", "'" + name + "' is not supported in the flat LLaVA layout (supported: " +
                                  FlatArchitectureNames() + ")");
      return r.status();
    }
    if ((type == "llava_mistral") != (family == "mistral") || (type == "llava_llama" && family != "llama")) {
      r.Fail("architectures", "'" + name + "' does not match model_type '" + type + "'");
      return r.status();
    }
  }
  return FindFamily(family);
}

// Towers a flat config names by hub id, with the fields of their hub
// config.json that differ from the class defaults.
const std::vector<std::pair<std::string, const char*>>& KnownTowers() {
  static const std::vector<std::pair<std::string, const char*>> kTowers = {
      {"openai/clip-vit-large-patch14-336",
       R"({"hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24, "num_attention_heads": 16,
           "image_size": 336, "patch_size": 14})"},
      {"openai/clip-vit-large-patch14",
       R"({"hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24, "num_attention_heads": 16,
           "image_size": 224, "patch_size": 14})"},
      {"google/siglip-so400m-patch14-384",
       R"({"model_type": "siglip_vision_model", "hidden_size": 1152, "intermediate_size": 4304,
           "num_hidden_layers": 27, "num_attention_heads": 16, "image_size": 384, "patch_size": 14})"},
  };
  return kTowers;
}

// A tower folder's config.json: a vision config itself, or a CLIP/SigLIP
// config holding one under vision_config.
Result<VisionConfig> ReadTowerFolder(const fs::path& folder) {
  const std::string path = (folder / files::kModelConfig).string();
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput(path + ": not a JSON object");
  if (j.contains("vision_config")) return ReadVisionConfig(j["vision_config"], path, "vision_config.");
  return ReadVisionConfig(j, path, "");
}

// mm_vision_tower: a known hub id, else a folder with a config.json
// (relative names are looked up beside the config first).
Result<VisionConfig> FlatTower(const Json& j, const std::string& source) {
  JsonFields r(j, source, "");
  std::string name;
  r.Read("mm_vision_tower", &name);
  XMAS_RETURN_IF_ERROR(r.status());
  if (name.empty()) {
    r.Fail("mm_vision_tower", "missing: the flat LLaVA layout names its vision tower there");
    return r.status();
  }
  std::string known;
  for (const auto& [id, config] : KnownTowers()) {
    if (name == id) return ReadVisionConfig(Json::parse(config), "known tower " + id, "");
    known += (known.empty() ? "" : ", ") + id;
  }
  std::vector<fs::path> candidates;
  if (fs::path(name).is_relative()) candidates.push_back(fs::path(source).parent_path() / name);
  candidates.push_back(name);
  std::error_code ec;
  for (const auto& c : candidates) {
    if (fs::exists(c / files::kModelConfig, ec)) return ReadTowerFolder(c);
  }
  r.Fail("mm_vision_tower", "'" + name + "' is neither a known tower (" + known +
                                ") nor a folder holding the tower's config.json");
  return r.status();
}

// Settings xmas does not implement, each an error when set.
Status RejectFlatOptions(JsonFields& r) {
  r.RejectUnless("mm_use_im_start_end", false, "image start/end tokens are not supported");
  r.RejectUnless("mm_use_im_patch_token", false, "image patch tokens are not supported");
  r.RejectUnless("mm_patch_merge_type", "flat", "only the flat patch merge is supported");
  r.RejectUnless("mm_vision_tower2", "", "a second vision tower is not supported");
  return r.status();
}

// The strategy names of LLaVA's mm_vision_select_feature.
Status ReadSelectFeature(JsonFields& r, const char* key, ModelConfig* c) {
  std::string feature = "patch";
  r.Read(key, &feature);
  if (r.status().ok() && feature != "patch" && feature != "cls_patch") {
    r.Fail(key, "'" + feature + "' is not supported (supported: patch, cls_patch)");
  }
  c->vision_feature_select_strategy = feature;
  return r.status();
}

}  // namespace

const char* LayoutName(CheckpointLayout layout) {
  switch (layout) {
    case CheckpointLayout::kLlavaFlat: return "llava flat (original LLaVA / TinyLLaVA v1)";
    case CheckpointLayout::kTinyLlava: return "tinyllava (TinyLLaVA Factory)";
    case CheckpointLayout::kHfLlava: break;
  }
  return "llava";
}

Result<CheckpointLayout> DetectLayout(const Json& j, const std::string& source) {
  (void)source;
  const std::string type = StringField(j, "model_type", "llava");
  if (type == "tinyllava") return CheckpointLayout::kTinyLlava;
  if (type == "llava_llama" || type == "llava_mistral") return CheckpointLayout::kLlavaFlat;
  if (type == "llava" && !j.contains("text_config") && j.contains("mm_vision_tower")) {
    return CheckpointLayout::kLlavaFlat;
  }
  return CheckpointLayout::kHfLlava;
}

Result<ModelConfig> ReadFlatLlavaConfig(const Json& j, const std::string& source) {
  ModelConfig c;
  c.layout = CheckpointLayout::kLlavaFlat;
  XMAS_ASSIGN_OR_RETURN(const DecoderFamily* family, FlatFamily(j, source));
  Json text = j;
  text.erase("architectures");  // the LLaVA class, checked by FlatFamily
  XMAS_RETURN_IF_ERROR(ReadTextFields(text, source, "", family, &c.text));
  XMAS_ASSIGN_OR_RETURN(c.vision, FlatTower(j, source));
  Json top = j;
  top.erase("model_type");
  top.erase("architectures");
  XMAS_RETURN_IF_ERROR(ReadTop(top, source, &c));  // ids, dtype, tied head, aspect ratio
  JsonFields r(j, source, "");
  XMAS_RETURN_IF_ERROR(RejectFlatOptions(r));
  int64_t mm_hidden = c.vision.hidden_size;
  r.Read("mm_hidden_size", &mm_hidden);
  if (r.status().ok() && mm_hidden != c.vision.hidden_size) {
    r.Fail("mm_hidden_size", std::to_string(mm_hidden) + " differs from the tower's hidden_size " +
                                 std::to_string(c.vision.hidden_size));
  }
  r.Read("mm_projector_type", &c.projector_type);
  r.Read("mm_vision_select_layer", &c.vision_feature_layer);
  XMAS_RETURN_IF_ERROR(ReadSelectFeature(r, "mm_vision_select_feature", &c));
  c.image_token_index = kLlavaImageTokenIndex;
  return Validated(std::move(c), source);
}

Result<ModelConfig> ReadTinyLlavaConfig(const Json& j, const std::string& source) {
  ModelConfig c;
  c.layout = CheckpointLayout::kTinyLlava;
  JsonFields r(j, source, "");
  if (j.contains("architectures") && j["architectures"] != Json::array({"TinyLlavaForConditionalGeneration"})) {
    r.Fail("architectures", j["architectures"].dump() + " is not supported (supported: TinyLlavaForConditionalGeneration)");
  }
  for (const char* key : {"text_config", "vision_config"}) {
    if (r.status().ok() && !(j.contains(key) && j[key].is_object())) {
      r.Fail(key, "expected an object (TinyLlavaConfig saves the LLM's and the tower's configs there)");
    }
  }
  r.RejectUnless("vision_model_name_or_path2", "", "a second vision tower is not supported");
  XMAS_RETURN_IF_ERROR(r.status());
  XMAS_RETURN_IF_ERROR(ReadText(j["text_config"], source, &c.text));
  XMAS_ASSIGN_OR_RETURN(c.vision, ReadVisionConfig(j["vision_config"], source, "vision_config."));
  JsonFields t(j["text_config"], source, "text_config.");
  t.Read("bos_token_id", &c.bos_token_id);
  t.Read("eos_token_id", &c.eos_token_id);
  XMAS_RETURN_IF_ERROR(t.status());
  c.image_token_index = kLlavaImageTokenIndex;
  r.Read("connector_type", &c.projector_type);
  r.Read("vision_feature_layer", &c.vision_feature_layer);
  XMAS_RETURN_IF_ERROR(ReadSelectFeature(r, "vision_feature_select_strategy", &c));
  r.Read("image_aspect_ratio", &c.image_aspect_ratio);
  r.Read("image_token_index", &c.image_token_index);
  r.Read("pad_token_id", &c.pad_token_id);
  XMAS_RETURN_IF_ERROR(r.status());
  if (c.projector_type != "mlp2x_gelu" && c.projector_type != "linear") {
    r.Fail("connector_type", "'" + c.projector_type + "' is not supported (supported: mlp2x_gelu, linear)");
  }
  XMAS_RETURN_IF_ERROR(r.status());
  return Validated(std::move(c), source);
}

}  // namespace xmas::model
