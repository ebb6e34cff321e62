// Small building blocks shared by the vision tower, connector and LLM
// (internal to the model component): activations by HF name, rotary
// position embeddings, grouped-query key/value repetition and the masked
// softmax attention both towers use.
#pragma once

#include <torch/torch.h>

#include <string>

namespace xmas::model {

enum class Activation { kGelu, kGeluTanh, kQuickGelu, kSilu, kRelu };

// HF names: "gelu" (exact erf), "gelu_pytorch_tanh"/"gelu_new" (tanh
// approximation), "quick_gelu" (x * sigmoid(1.702 x), CLIP), "silu", "relu".
// Unknown names are rejected by config validation; here they fall back to gelu.
Activation ParseActivation(const std::string& name);
torch::Tensor Apply(Activation act, const torch::Tensor& x);

// Rotary tables for absolute positions [offset, offset + length):
// cos/sin of shape [length, head_dim], HF layout (the frequency vector is
// concatenated with itself; inv_freq_i = theta^(-2i/head_dim)), computed in
// float32 and cast to `dtype`.
struct RopeTables {
  torch::Tensor cos, sin;
};
RopeTables MakeRope(int64_t offset, int64_t length, int64_t head_dim, double theta,
                    torch::Device device, torch::Dtype dtype);

// x [B, H, L, d] -> x * cos + rotate_half(x) * sin, where
// rotate_half([x1, x2]) = [-x2, x1] over the two halves of d. Partial
// rotary (tables r < d wide, HF StableLM/Phi): the first r features of each
// head are rotated that way (halves of r), the other d - r pass unchanged.
torch::Tensor ApplyRope(const torch::Tensor& x, const RopeTables& rope);

// [B, Hkv, T, d] -> [B, Hkv * n_rep, T, d]: query head h reads key/value head
// h / n_rep (HF repeat_kv).
torch::Tensor RepeatKv(const torch::Tensor& x, int64_t n_rep);

// softmax(q k^T * scale) over keys with `allowed` ([B or 1, 1, L, T] bool,
// undefined = all allowed) masking to probability 0. q [B, H, L, d],
// k [B, H, T, d]. Computed in float32; returned in q's dtype.
torch::Tensor AttentionProbs(const torch::Tensor& q, const torch::Tensor& k,
                             const torch::Tensor& allowed, double scale);

// [B, H, L, d] -> [B, L, H*d].
torch::Tensor MergeHeads(const torch::Tensor& x);
// [B, L, H*d] -> [B, H, L, d].
torch::Tensor SplitHeads(const torch::Tensor& x, int64_t heads);

}  // namespace xmas::model
