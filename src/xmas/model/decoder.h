// LLaMA-style decoder in the Hugging Face LlamaForCausalLM layout
// (registered names match "language_model.*"): token embeddings, pre-norm
// blocks of grouped-query self-attention with RoPE and a SwiGLU MLP, final
// RMSNorm, LM head (or the embedding matrix when tied).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "xmas/model/config.h"
#include "xmas/model/layers.h"
#include "xmas/model/model.h"

namespace xmas::model {

// What every layer of one forward pass shares.
struct DecoderContext {
  RopeTables rope;        // for the positions of the current tokens
  torch::Tensor allowed;  // [B, 1, L, T] bool: query may see key (causal + padding)
  const ForwardOptions* options = nullptr;
};

class LlamaAttention : public torch::nn::Module {
 public:
  explicit LlamaAttention(const TextConfig& config);
  // x [B, L, D]. With cache_k/cache_v (possibly undefined tensors), the
  // current keys/values are appended to them and attention spans both.
  torch::Tensor forward(const torch::Tensor& x, const DecoderContext& ctx, torch::Tensor* cache_k,
                        torch::Tensor* cache_v, LayerCapture* capture);

 private:
  int64_t heads_, kv_heads_;
  torch::nn::Linear q_proj_{nullptr}, k_proj_{nullptr}, v_proj_{nullptr}, o_proj_{nullptr};
};

class LlamaDecoderLayer : public torch::nn::Module {
 public:
  explicit LlamaDecoderLayer(const TextConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const DecoderContext& ctx, torch::Tensor* cache_k,
                        torch::Tensor* cache_v, LayerCapture* capture);

 private:
  Activation act_;
  std::shared_ptr<LlamaAttention> self_attn_;
  torch::nn::Linear gate_proj_{nullptr}, up_proj_{nullptr}, down_proj_{nullptr};
  RmsNorm input_layernorm_{nullptr}, post_attention_layernorm_{nullptr};
};

class LlamaForCausalLM : public torch::nn::Module {
 public:
  explicit LlamaForCausalLM(const TextConfig& config);

  torch::Tensor Embed(const torch::Tensor& ids);  // [B, L] -> [B, L, D]
  // Runs layers 0..last_layer. `captures[i]` (nullptr = none) receives layer
  // i's tensors. `cache` (nullptr = none) holds one key/value per layer.
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
  RmsNorm norm_{nullptr};
  torch::nn::Linear lm_head_{nullptr};
};

}  // namespace xmas::model
