#include "xmas/model/checkpoint_match.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "xmas/model/parameter_shapes.h"
#include "xmas/util/file_names.h"
#include "xmas/util/atomic_file.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// "'a', 'b', 'c' (and 4 more)".
std::string FirstNames(const std::vector<std::string>& names, size_t shown = 3) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < shown; ++i) s += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > shown) s += " (and " + std::to_string(names.size() - shown) + " more)";
  return s;
}

Status ReadIndex(const fs::path& dir, WeightFileSet* set) {
  set->index_path = (dir / files::kModelWeightsIndex).string();
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(set->index_path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
    return Status::InvalidInput(set->index_path + ": field 'weight_map': expected an object");
  }
  std::set<std::string> shards;
  for (const auto& [tensor, v] : j["weight_map"].items()) {
    if (!v.is_string() || v.get<std::string>().find('/') != std::string::npos) {
      return Status::InvalidInput(set->index_path + ": field 'weight_map': tensor '" + tensor +
                                  "': expected a file name in the same directory");
    }
    shards.insert(v.get<std::string>());
    set->indexed.insert(tensor);
  }
  for (const auto& s : shards) set->files.push_back((dir / s).string());
  return Status::Ok();
}

Status MismatchError(const std::string& path, const ModelConfig& config, const std::vector<std::string>& extra,
                     const std::vector<std::string>& missing) {
  std::string msg = path + ": checkpoint does not match the model (assumed " + ArchitectureName(config) + "):";
  if (!extra.empty()) {
    msg += " " + std::to_string(extra.size()) + " checkpoint tensor(s) the model does not have: " +
           FirstNames(extra) + (missing.empty() ? "" : ";");
  }
  if (!missing.empty()) {
    msg += " " + std::to_string(missing.size()) + " parameter(s) missing from the checkpoint: " + FirstNames(missing);
  }
  return Status::InvalidInput(msg);
}

}  // namespace

Result<WeightFileSet> FindWeightFiles(const std::string& path) {
  std::error_code ec;
  WeightFileSet set;
  if (!fs::is_directory(path, ec)) {
    if (!fs::exists(path, ec)) return Status::NotFound(path + ": no such weights file");
    set.files = {path};
    return set;
  }
  const fs::path dir(path);
  if (fs::exists(dir / files::kModelWeights, ec)) {
    set.files = {(dir / files::kModelWeights).string()};
    return set;
  }
  if (!fs::exists(dir / files::kModelWeightsIndex, ec)) {
    return Status::NotFound(path + ": neither model.safetensors nor model.safetensors.index.json");
  }
  XMAS_RETURN_IF_ERROR(ReadIndex(dir, &set));
  return set;
}

std::string ClassicName(const std::string& name) {
  static const std::pair<const char*, const char*> kRenames[] = {
      {"model.language_model.", "language_model.model."},
      {"model.vision_tower.", "vision_tower."},
      {"model.multi_modal_projector.", "multi_modal_projector."},
      {"lm_head.", "language_model.lm_head."},
  };
  for (const auto& [from, to] : kRenames) {
    if (StartsWith(name, from)) return to + name.substr(std::string(from).size());
  }
  return name;
}

namespace {

using Renames = std::vector<std::pair<std::string, std::string>>;

std::string Rename(const Renames& renames, const std::string& name) {
  for (const auto& [from, to] : renames) {
    if (StartsWith(name, from)) return to + name.substr(from.size());
  }
  return name;
}

// Original LLaVA (LlavaLlamaForCausalLM: LlamaModel subclass holding
// mm_projector and vision_tower, a CLIPVisionTower whose CLIP model is
// .vision_tower), TinyLLaVA v1 alike. First matching prefix wins.
const Renames& FlatRenames() {
  static const Renames kRenames = {
      {"model.vision_tower.vision_tower.", "vision_tower."},
      {"model.mm_projector.0.", "multi_modal_projector.linear_1."},  // mlp2x_gelu: Linear, GELU, Linear
      {"model.mm_projector.2.", "multi_modal_projector.linear_2."},
      {"model.mm_projector.", "multi_modal_projector.linear_1."},    // linear: one nn.Linear
      {"model.", "language_model.model."},
      {"lm_head.", "language_model.lm_head."},
  };
  return kRenames;
}

// TinyLLaVA Factory (TinyLlavaForConditionalGeneration: language_model,
// vision_tower._vision_tower, connector._connector).
const Renames& TinyLlavaRenames() {
  static const Renames kRenames = {
      {"vision_tower._vision_tower.", "vision_tower."},
      {"connector._connector.0.", "multi_modal_projector.linear_1."},
      {"connector._connector.2.", "multi_modal_projector.linear_2."},
      {"connector._connector.", "multi_modal_projector.linear_1."},
  };
  return kRenames;
}

}  // namespace

std::string LayoutTensorName(CheckpointLayout layout, const std::string& name) {
  switch (layout) {
    case CheckpointLayout::kLlavaFlat: return Rename(FlatRenames(), name);
    case CheckpointLayout::kTinyLlava: return Rename(TinyLlavaRenames(), name);
    case CheckpointLayout::kHfLlava: break;
  }
  return ClassicName(name);
}

bool IsKnownBuffer(const std::string& name) {
  for (const std::string suffix : {".position_ids", ".rotary_emb.inv_freq"}) {
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

bool Selected(const std::string& name, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) return true;
  for (const auto& p : prefixes) {
    if (StartsWith(name, p)) return true;
  }
  return false;
}

Result<CheckpointMatch> MatchCheckpoint(const ModelConfig& config, const std::string& path,
                                        const std::vector<std::string>& prefixes) {
  XMAS_ASSIGN_OR_RETURN(WeightFileSet set, FindWeightFiles(path));
  const ParameterShapeMap expected = ParameterShapes(config);
  CheckpointMatch match;
  std::set<std::string> found, seen;
  std::vector<std::string> extra, missing;
  for (const auto& file : set.files) {
    XMAS_ASSIGN_OR_RETURN(SafetensorsHeader header, ReadSafetensorsHeader(file));
    for (const auto& e : header.tensors) {
      seen.insert(e.name);
      const std::string name = LayoutTensorName(config.layout, e.name);
      if (!Selected(name, prefixes)) continue;
      auto it = expected.find(name);
      if (it == expected.end()) {
        if (IsKnownBuffer(name)) match.buffers.push_back(e.name);
        else extra.push_back(e.name);
        continue;
      }
      if (!found.insert(name).second) {
        return Status::InvalidInput(file + ": tensor '" + e.name + "' appears a second time in the checkpoint");
      }
      if (it->second != e.shape) {
        return Status::InvalidInput(file + ": tensor '" + e.name + "': shape " + ShapeText(e.shape) +
                                    ", the model (" + ArchitectureName(config) + ") expects " + ShapeText(it->second));
      }
      ++match.matched;
    }
    match.headers.push_back(std::move(header));
  }
  for (const auto& name : set.indexed) {
    if (seen.count(name) == 0) {
      return Status::InvalidInput(set.index_path + ": lists tensor '" + name + "' that no shard holds");
    }
  }
  for (const auto& [name, shape] : expected) {
    if (Selected(name, prefixes) && found.count(name) == 0) missing.push_back(name);
  }
  std::sort(extra.begin(), extra.end());
  if (!extra.empty() || !missing.empty()) return MismatchError(path, config, extra, missing);
  return match;
}

}  // namespace xmas::model
