#include "xmas/model/weights.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "xmas/model/safetensors.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool Selected(const std::string& name, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) return true;
  for (const auto& p : prefixes) {
    if (StartsWith(name, p)) return true;
  }
  return false;
}

// Newer transformers (>= 4.52) layout -> the classic LlavaForConditionalGeneration names.
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

Result<torch::Dtype> TorchDtype(const std::string& st) {
  if (st == "F32") return torch::kFloat32;
  if (st == "F16") return torch::kFloat16;
  if (st == "BF16") return torch::kBFloat16;
  if (st == "F64") return torch::kFloat64;
  return Status::InvalidInput("dtype " + st + " cannot be loaded into a floating-point parameter");
}

Result<std::string> SafetensorsDtype(torch::Dtype d) {
  if (d == torch::kFloat32) return std::string("F32");
  if (d == torch::kFloat16) return std::string("F16");
  if (d == torch::kBFloat16) return std::string("BF16");
  return Status::InvalidInput(std::string("cannot save dtype ") + DtypeName(d));
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// The safetensors files behind `path`: a file, or a directory's
// model.safetensors, or the shards its model.safetensors.index.json names.
Result<std::vector<std::string>> WeightFiles(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (!fs::exists(path, ec)) return Status::NotFound(path + ": no such weights file");
    return std::vector<std::string>{path};
  }
  const fs::path dir(path);
  if (fs::exists(dir / files::kModelWeights, ec)) return std::vector<std::string>{(dir / files::kModelWeights).string()};
  const std::string index = (dir / "model.safetensors.index.json").string();
  if (!fs::exists(index, ec)) {
    return Status::NotFound(path + ": neither model.safetensors nor model.safetensors.index.json");
  }
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(index));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
    return Status::InvalidInput(index + ": field 'weight_map': expected an object");
  }
  std::set<std::string> shards;
  for (const auto& v : j["weight_map"]) {
    if (!v.is_string() || v.get<std::string>().find('/') != std::string::npos) {
      return Status::InvalidInput(index + ": field 'weight_map': expected file names in the same directory");
    }
    shards.insert(v.get<std::string>());
  }
  std::vector<std::string> files;
  for (const auto& s : shards) files.push_back((dir / s).string());
  return files;
}

// Loads the selected parameters found in one file; records their names.
Status LoadFile(const std::string& file, std::map<std::string, torch::Tensor>& params,
                const LoadOptions& options, std::set<std::string>* loaded, LoadReport* report) {
  SafetensorsReader reader;
  XMAS_RETURN_IF_ERROR(reader.Open(file));
  torch::NoGradGuard no_grad;
  for (const SafetensorsEntry& e : reader.header().tensors) {
    const std::string name = ClassicName(e.name);
    auto it = params.find(name);
    if (it == params.end() || !Selected(name, options.prefixes)) {
      if (it == params.end()) report->skipped.push_back(e.name);
      continue;
    }
    torch::Tensor& param = it->second;
    if (param.sizes().vec() != e.shape) {
      return Status::InvalidInput(file + ": tensor '" + e.name + "': shape " + ShapeText(e.shape) +
                                  ", the model expects " + ShapeText(param.sizes().vec()));
    }
    Result<torch::Dtype> dtype = TorchDtype(e.dtype);
    if (!dtype.ok()) return dtype.status().WithPrefix(file + ": tensor '" + e.name + "'");
    torch::Tensor buffer = torch::empty(e.shape, torch::TensorOptions().dtype(*dtype));
    if (static_cast<uint64_t>(buffer.nbytes()) != e.nbytes) {
      return Status::Internal(file + ": tensor '" + e.name + "': size mismatch");
    }
    XMAS_RETURN_IF_ERROR(reader.Read(e, buffer.data_ptr()));
    // A NaN/Inf weight would only show later as a non-finite loss: name it here.
    torch::Tensor bad = torch::isfinite(buffer.view(-1)).logical_not().nonzero();
    if (bad.numel() > 0) {
      return Status::InvalidInput(file + ": tensor '" + e.name + "': non-finite value (NaN or Inf) at element " +
                                  std::to_string(bad[0].item<int64_t>()));
    }
    param.copy_(buffer);
    loaded->insert(name);
    ++report->loaded;
  }
  return Status::Ok();
}

}  // namespace

Result<LoadReport> LoadWeights(Model& model, const std::string& path, const LoadOptions& options) {
  XMAS_ASSIGN_OR_RETURN(std::vector<std::string> files, WeightFiles(path));
  std::map<std::string, torch::Tensor> params;
  for (auto& p : model.named_parameters()) params[p.key()] = p.value();
  LoadReport report;
  std::set<std::string> loaded;
  try {
    for (const auto& file : files) {
      XMAS_RETURN_IF_ERROR(LoadFile(file, params, options, &loaded, &report));
    }
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    return Status::Internal(path + ": loading weights: " + msg.substr(0, msg.find('\n')));
  }
  std::vector<std::string> missing;
  for (const auto& [name, tensor] : params) {
    if (Selected(name, options.prefixes) && loaded.count(name) == 0) missing.push_back(name);
  }
  if (!missing.empty()) {
    return Status::InvalidInput(path + ": tensor '" + missing.front() + "' is missing" +
                                (missing.size() > 1 ? " (and " + std::to_string(missing.size() - 1) + " more)" : ""));
  }
  if (options.prefixes.empty() && loaded.empty()) {
    return Status::InvalidInput(path + ": no tensors loaded");
  }
  if (!report.skipped.empty()) {
    log::Debug(path, ": skipped ", report.skipped.size(), " tensors the model does not have, e.g. '",
               report.skipped.front(), "'");
  }
  return report;
}

Status SaveWeights(const Model& model, const std::string& path, const SaveOptions& options) {
  const torch::Dtype dtype = options.dtype.value_or(model.dtype());
  XMAS_ASSIGN_OR_RETURN(std::string st_dtype, SafetensorsDtype(dtype));
  std::vector<torch::Tensor> keep;  // owns the converted copies until written
  std::vector<SafetensorsTensor> tensors;
  try {
    for (const auto& p : model.named_parameters()) {  // OrderedDict: registration order
      if (!Selected(p.key(), options.prefixes)) continue;
      torch::Tensor t = p.value().detach().to(torch::kCPU, dtype).contiguous();
      keep.push_back(t);
      tensors.push_back({p.key(), st_dtype, t.sizes().vec(), t.data_ptr(), static_cast<uint64_t>(t.nbytes())});
    }
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    return Status::Internal(path + ": saving weights: " + msg.substr(0, msg.find('\n')));
  }
  std::sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return WriteSafetensors(path, tensors, {{"format", "pt"}});
}

Status SaveModel(const Model& model, const std::string& dir, const SaveOptions& options) {
  ModelConfig config = model.config();
  config.torch_dtype = DtypeName(options.dtype.value_or(model.dtype()));
  XMAS_RETURN_IF_ERROR(SaveConfig(config, files::ModelConfigPath(dir)));
  return SaveWeights(model, files::ModelWeightsPath(dir), options);
}

Result<std::shared_ptr<Model>> LoadModel(const std::string& dir, torch::Device device, torch::Dtype dtype) {
  XMAS_ASSIGN_OR_RETURN(ModelConfig config, LoadConfig(files::ModelConfigPath(dir)));
  XMAS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::Create(config, device, dtype));
  XMAS_RETURN_IF_ERROR(LoadWeights(*model, dir).status());
  return model;
}

}  // namespace xmas::model
