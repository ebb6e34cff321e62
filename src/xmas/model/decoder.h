// The decoder of every supported family (family.h) in the Hugging Face
// *ForCausalLM layout (registered names match "language_model.*"): token
// embeddings, blocks of grouped-query self-attention with (partial) RoPE and
// an MLP, a final norm, the LM head (or the embedding matrix when tied).
// What differs between families -- norm kind, biases, gated or plain MLP,
// serial or parallel block, tensor names -- comes from the DecoderSpec.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "xmas/model/config.h"
#include "xmas/model/family.h"
#include "xmas/model/layers.h"
#include "xmas/model/model.h"

namespace xmas::model {

// What every layer of one forward pass shares.
struct DecoderContext {
  RopeTables rope;        // for the positions of the current tokens (rotary_dim wide)
  torch::Tensor allowed;  // [B, 1, L, T] bool: query may see key (causal + padding)
  const ForwardOptions* options = nullptr;
  // A layer that only captures its q/k (ForwardOptions::last_capture_qk_only);
  // RunLayers stops after it. -1: none.
  int64_t qk_only_layer = -1;
};

// RMSNorm (weight) or LayerNorm (weight and bias), by the spec.
class DecoderNorm : public torch::nn::Module {
 public:
  DecoderNorm(int64_t dim, NormKind kind, double eps);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  NormKind kind_;
  double eps_;
  torch::Tensor weight_, bias_;
};

class DecoderAttention : public torch::nn::Module {
 public:
  DecoderAttention(const TextConfig& config, const DecoderSpec& spec);
  // x [B, L, D]. With cache_k/cache_v (possibly undefined tensors), the
  // current keys/values are appended to them and attention spans both.
  torch::Tensor forward(const torch::Tensor& x, const DecoderContext& ctx, torch::Tensor* cache_k,
                        torch::Tensor* cache_v, LayerCapture* capture);
  // Queries and keys of x (after RoPE) into `capture` (q_proj, k_proj, q, k).
  void CaptureQk(const torch::Tensor& x, const DecoderContext& ctx, LayerCapture* capture);

 private:
  int64_t heads_, kv_heads_;
  torch::nn::Linear q_proj_{nullptr}, k_proj_{nullptr}, v_proj_{nullptr}, o_proj_{nullptr};
};

class DecoderLayer : public torch::nn::Module {
 public:
  DecoderLayer(const TextConfig& config, const DecoderSpec& spec);
  torch::Tensor forward(const torch::Tensor& x, const DecoderContext& ctx, torch::Tensor* cache_k,
                        torch::Tensor* cache_v, LayerCapture* capture);
  // The layer's q/k only (DecoderAttention::CaptureQk of its first norm's output).
  void CaptureQk(const torch::Tensor& x, const DecoderContext& ctx, LayerCapture* capture);

 private:
  torch::Tensor Mlp(const torch::Tensor& x);

  Activation act_;
  bool parallel_;
  std::shared_ptr<DecoderAttention> self_attn_;
  torch::nn::Linear gate_proj_{nullptr}, up_proj_{nullptr}, down_proj_{nullptr};  // up/down: fc1/fc2 when plain
  std::shared_ptr<DecoderNorm> norm1_, norm2_;  // norm2_ null in a parallel block
};

class DecoderLM : public torch::nn::Module {
 public:
  explicit DecoderLM(const TextConfig& config);

  torch::Tensor Embed(const torch::Tensor& ids);  // [B, L] -> [B, L, D]
  // Runs layers 0..last_layer. `captures[i]` (nullptr = none) receives layer
  // i's tensors. `cache` (nullptr = none) holds one key/value per layer.
  // Layer ctx.qk_only_layer (if any, <= last_layer, captured) computes its q/k
  // only and the loop stops there, returning that layer's input.
  torch::Tensor RunLayers(torch::Tensor h, const DecoderContext& ctx, int64_t last_layer,
                          const std::vector<LayerCapture*>& captures, KvCache* cache);
  torch::Tensor Norm(const torch::Tensor& h);
  torch::Tensor Logits(const torch::Tensor& normed);  // [B, L, V]
  int64_t num_layers() const { return static_cast<int64_t>(layers_->size()); }
  const torch::Tensor& embedding_weight() const { return embed_tokens_->weight; }

 private:
  TextConfig config_;
  std::shared_ptr<torch::nn::Module> model_;
  torch::nn::Embedding embed_tokens_{nullptr};
  torch::nn::ModuleList layers_;
  std::shared_ptr<DecoderNorm> norm_;
  torch::nn::Linear lm_head_{nullptr};
};

}  // namespace xmas::model
