#include "xmas/model/layers.h"

#include <cmath>
#include <limits>

namespace xmas::model {

Activation ParseActivation(const std::string& name) {
  if (name == "quick_gelu") return Activation::kQuickGelu;
  if (name == "gelu_pytorch_tanh" || name == "gelu_new") return Activation::kGeluTanh;
  if (name == "silu") return Activation::kSilu;
  if (name == "relu") return Activation::kRelu;
  return Activation::kGelu;
}

torch::Tensor Apply(Activation act, const torch::Tensor& x) {
  switch (act) {
    case Activation::kGelu: return torch::gelu(x);
    case Activation::kGeluTanh: return torch::gelu(x, "tanh");
    case Activation::kQuickGelu: return x * torch::sigmoid(1.702 * x);
    case Activation::kSilu: return torch::silu(x);
    case Activation::kRelu: return torch::relu(x);
  }
  return x;
}

RopeTables MakeRope(int64_t offset, int64_t length, int64_t head_dim, double theta,
                    torch::Device device, torch::Dtype dtype) {
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  torch::Tensor exponents = torch::arange(0, head_dim, 2, f32) / static_cast<double>(head_dim);
  torch::Tensor inv_freq = 1.0 / torch::pow(theta, exponents);
  torch::Tensor positions = torch::arange(offset, offset + length, f32);
  torch::Tensor freqs = torch::outer(positions, inv_freq);
  torch::Tensor emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor ApplyRope(const torch::Tensor& x, const RopeTables& rope) {
  const int64_t rotary = rope.cos.size(-1);
  if (rotary < x.size(-1)) {
    torch::Tensor rotated = ApplyRope(x.narrow(-1, 0, rotary), rope);
    return torch::cat({rotated, x.narrow(-1, rotary, x.size(-1) - rotary)}, -1);
  }
  const int64_t half = x.size(-1) / 2;
  torch::Tensor x1 = x.narrow(-1, 0, half);
  torch::Tensor x2 = x.narrow(-1, half, half);
  torch::Tensor rotated = torch::cat({-x2, x1}, -1);
  return x * rope.cos + rotated * rope.sin;
}

torch::Tensor RepeatKv(const torch::Tensor& x, int64_t n_rep) {
  if (n_rep == 1) return x;
  const int64_t b = x.size(0), h = x.size(1), t = x.size(2), d = x.size(3);
  return x.unsqueeze(2).expand({b, h, n_rep, t, d}).reshape({b, h * n_rep, t, d});
}

torch::Tensor AttentionProbs(const torch::Tensor& q, const torch::Tensor& k,
                             const torch::Tensor& allowed, double scale) {
  torch::Tensor scores = torch::matmul(q.to(torch::kFloat32), k.to(torch::kFloat32).transpose(-2, -1)) * scale;
  if (allowed.defined()) {
    scores = scores.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
  }
  return torch::softmax(scores, -1).to(q.scalar_type());
}

torch::Tensor MergeHeads(const torch::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}

torch::Tensor SplitHeads(const torch::Tensor& x, int64_t heads) {
  return x.reshape({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

}  // namespace xmas::model
