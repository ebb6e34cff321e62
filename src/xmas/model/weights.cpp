#include "xmas/model/weights.h"

#include <filesystem>
#include <map>

#include "xmas/model/checkpoint_match.h"
#include "xmas/model/safetensors.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

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

// Reads one tensor into its parameter, converting the dtype. Errors name the tensor.
Status LoadTensor(SafetensorsReader& reader, const SafetensorsEntry& e, torch::Tensor& param) {
  const std::string& file = reader.header().path;
  if (param.sizes().vec() != e.shape) {  // MatchCheckpoint checked the config's shapes
    return Status::Internal(file + ": tensor '" + e.name + "': the model's parameter has another shape");
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
  return Status::Ok();
}

// Loads the selected parameters of one file (MatchCheckpoint has checked
// that they are exactly the model's).
Status LoadFile(const SafetensorsHeader& header, CheckpointLayout layout, const std::vector<std::string>& prefixes,
                std::map<std::string, torch::Tensor>& params, LoadReport* report) {
  SafetensorsReader reader;
  XMAS_RETURN_IF_ERROR(reader.Open(header.path));
  torch::NoGradGuard no_grad;
  for (const SafetensorsEntry& e : reader.header().tensors) {
    const std::string name = LayoutTensorName(layout, e.name);
    auto it = params.find(name);
    if (!Selected(name, prefixes) || it == params.end()) continue;
    XMAS_RETURN_IF_ERROR(LoadTensor(reader, e, it->second));
    ++report->loaded;
  }
  return Status::Ok();
}

}  // namespace

Result<LoadReport> LoadWeights(Model& model, const std::string& path, const LoadOptions& options) {
  XMAS_ASSIGN_OR_RETURN(CheckpointMatch match, MatchCheckpoint(model.config(), path, options.prefixes));
  std::map<std::string, torch::Tensor> params;
  for (auto& p : model.named_parameters()) params[p.key()] = p.value();
  LoadReport report;
  report.skipped = match.buffers;
  try {
    for (const auto& header : match.headers) {
      XMAS_RETURN_IF_ERROR(LoadFile(header, model.config().layout, options.prefixes, params, &report));
    }
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    return Status::Internal(path + ": loading weights: " + msg.substr(0, msg.find('\n')));
  }
  if (options.prefixes.empty() && report.loaded == 0) {
    return Status::InvalidInput(path + ": no tensors loaded");
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
