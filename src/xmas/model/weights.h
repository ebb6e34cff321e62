// Model weights on disk: config.json + safetensors, in the Hugging Face
// LlavaForConditionalGeneration parameter names (see model.h), so a real
// LLaVA checkpoint (single file or sharded with model.safetensors.index.json)
// loads, and what we write loads in Python.
//
// Loading converts F32/F16/BF16/F64 file tensors to the model's dtype and
// device. Loading is strict: every file tensor must be a parameter of the
// model and every parameter must be in the files, else one line names the
// first few extras and missing ones and the architecture assumed
// (ArchitectureName). Only known buffers (".position_ids",
// ".rotary_emb.inv_freq") are skipped. A tensor found twice, a wrong shape,
// or an index entry no shard holds is an error naming the tensor. The newer HF layout
// ("model.language_model.layers...", "lm_head.weight", "model.vision_tower...")
// is renamed to the classic one on load.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "xmas/model/model.h"
#include "xmas/util/status.h"

namespace xmas::model {

struct LoadOptions {
  // Load only parameters whose name starts with one of these (empty = all),
  // e.g. {"vision_tower."} for a partial load; the others keep their values
  // and file tensors outside the prefixes are ignored.
  std::vector<std::string> prefixes;
};

struct LoadReport {
  int64_t loaded = 0;                 // parameters assigned
  std::vector<std::string> skipped;   // known buffers skipped (position_ids, inv_freq)
};

// `path` is a .safetensors file or a directory holding model.safetensors or
// model.safetensors.index.json (+ shards). A NaN or Inf in a loaded tensor
// is an error naming the file, the tensor and the element.
Result<LoadReport> LoadWeights(Model& model, const std::string& path,
                               const LoadOptions& options = {});

struct SaveOptions {
  std::vector<std::string> prefixes;  // save only these parameters (empty = all)
  // Dtype written to the file; kFloat32/kBFloat16/kFloat16. Default: the model's.
  std::optional<torch::Dtype> dtype;
};

// Writes one safetensors file atomically (parameters sorted by name,
// metadata {"format": "pt"}).
Status SaveWeights(const Model& model, const std::string& path, const SaveOptions& options = {});

// DIR/config.json + DIR/model.safetensors (DIR must exist).
Status SaveModel(const Model& model, const std::string& dir, const SaveOptions& options = {});

// Reads DIR/config.json, builds the model on `device`/`dtype` and loads
// every weight. Errors name the file and tensor.
Result<std::shared_ptr<Model>> LoadModel(const std::string& dir,
                                         torch::Device device = torch::kCPU,
                                         torch::Dtype dtype = torch::kFloat32);

}  // namespace xmas::model
