// xmas's side of the reference tests (test_reference.py): loads a checkpoint
// folder the Python side generated (HF config.json + safetensors), runs one
// forward pass on the inputs in INPUTS.safetensors and writes what the
// reference compares into OUT.safetensors (float32):
//   logits [B, L, V], loss [1], token_loss [B, L], and for decoder layer
//   LAYER: q_proj, k_proj (pre-RoPE, [B, L, H*d]), q, k (post-RoPE, [B, H, L, d]).
// Inputs: input_ids, attention_mask, labels [B, L] (I64), image_begin [B]
// (I64, -1 = no image), images [M, C, H, W] (F32, absent without images).
//
//   xmas_reference_dump CHECKPOINT_DIR INPUTS.safetensors LAYER OUT.safetensors
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "xmas/model/safetensors.h"
#include "xmas/model/weights.h"

namespace {

using xmas::Result;
using xmas::Status;
namespace m = xmas::model;

Result<std::map<std::string, torch::Tensor>> ReadInputs(const std::string& path) {
  m::SafetensorsReader reader;
  XMAS_RETURN_IF_ERROR(reader.Open(path));
  std::map<std::string, torch::Tensor> out;
  for (const auto& e : reader.header().tensors) {
    const auto dtype = e.dtype == "I64" ? torch::kLong : torch::kFloat32;
    torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(dtype));
    XMAS_RETURN_IF_ERROR(reader.Read(e, t.data_ptr()));
    out[e.name] = t;
  }
  return out;
}

m::Batch MakeBatch(std::map<std::string, torch::Tensor>& in, const m::ModelConfig& config) {
  m::Batch batch;
  batch.input_ids = in["input_ids"];
  batch.attention_mask = in["attention_mask"].to(torch::kBool);
  batch.labels = in["labels"];
  if (in.count("images")) batch.images = in["images"];
  for (int64_t b = 0; b < batch.batch_size(); ++b) {
    const int64_t begin = in["image_begin"][b].item<int64_t>();
    batch.image_begin.push_back(begin);
    batch.image_end.push_back(begin >= 0 ? begin + config.image_token_count() : -1);
  }
  return batch;
}

Status Run(const std::string& dir, const std::string& inputs, int64_t layer, const std::string& out_path) {
  XMAS_ASSIGN_OR_RETURN(auto model, m::LoadModel(dir));
  XMAS_ASSIGN_OR_RETURN(auto in, ReadInputs(inputs));
  m::Batch batch = MakeBatch(in, model->config());
  m::ForwardOptions options;
  options.capture_layers = {layer};
  options.capture_qk = true;
  options.keep_logits = true;
  torch::NoGradGuard no_grad;
  XMAS_ASSIGN_OR_RETURN(m::ForwardOutput out, model->Forward(batch, options));
  const m::LayerCapture& c = out.layers[0];
  std::vector<std::pair<std::string, torch::Tensor>> named = {
      {"logits", out.logits}, {"loss", out.loss.reshape({1})}, {"token_loss", out.token_loss},
      {"q_proj", c.q_proj},   {"k_proj", c.k_proj},            {"q", c.q}, {"k", c.k}};
  std::vector<torch::Tensor> keep;
  std::vector<m::SafetensorsTensor> tensors;
  for (auto& [name, t] : named) {
    keep.push_back(t.to(torch::kFloat32).contiguous());
    tensors.push_back({name, "F32", keep.back().sizes().vec(), keep.back().data_ptr(),
                       static_cast<uint64_t>(keep.back().nbytes())});
  }
  return m::WriteSafetensors(out_path, tensors);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s CHECKPOINT_DIR INPUTS.safetensors LAYER OUT.safetensors\n", argv[0]);
    return 2;
  }
  Status s = Run(argv[1], argv[2], std::stoll(argv[3]), argv[4]);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
