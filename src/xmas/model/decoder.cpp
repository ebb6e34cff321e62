#include "xmas/model/llama.h"

#include <cmath>

namespace xmas::model {
namespace {

torch::nn::Linear MakeLinear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

}  // namespace

LlamaAttention::LlamaAttention(const TextConfig& c)
    : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads) {
  const int64_t d = c.hidden_size, hd = c.head_dim();
  q_proj_ = register_module("q_proj", MakeLinear(d, heads_ * hd, c.attention_bias));
  k_proj_ = register_module("k_proj", MakeLinear(d, kv_heads_ * hd, c.attention_bias));
  v_proj_ = register_module("v_proj", MakeLinear(d, kv_heads_ * hd, c.attention_bias));
  o_proj_ = register_module("o_proj", MakeLinear(heads_ * hd, d, c.attention_bias));
}

torch::Tensor LlamaAttention::forward(const torch::Tensor& x, const DecoderContext& ctx,
                                      torch::Tensor* cache_k, torch::Tensor* cache_v,
                                      LayerCapture* capture) {
  const ForwardOptions& opts = *ctx.options;
  torch::Tensor q_lin = q_proj_(x), k_lin = k_proj_(x);
  torch::Tensor q = ApplyRope(SplitHeads(q_lin, heads_), ctx.rope);
  torch::Tensor k = ApplyRope(SplitHeads(k_lin, kv_heads_), ctx.rope);
  torch::Tensor v = SplitHeads(v_proj_(x), kv_heads_);
  if (capture != nullptr && opts.capture_qk) {
    capture->q_proj = q_lin;
    capture->k_proj = k_lin;
    capture->q = q;
    capture->k = k;
  }
  if (cache_k != nullptr) {
    if (cache_k->defined()) {
      k = torch::cat({*cache_k, k}, 2);
      v = torch::cat({*cache_v, v}, 2);
    }
    *cache_k = k;
    *cache_v = v;
  }
  const int64_t n_rep = heads_ / kv_heads_;
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  torch::Tensor probs = AttentionProbs(q, RepeatKv(k, n_rep), ctx.allowed, scale);
  torch::Tensor out = o_proj_(MergeHeads(torch::matmul(probs, RepeatKv(v, n_rep))));
  if (capture != nullptr) {
    if (opts.capture_attention) capture->attention = probs;
    if (opts.capture_attn_output) capture->attn_output = out;
  }
  return out;
}

LlamaDecoderLayer::LlamaDecoderLayer(const TextConfig& c) : act_(ParseActivation(c.hidden_act)) {
  self_attn_ = register_module("self_attn", std::make_shared<LlamaAttention>(c));
  auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
  gate_proj_ = mlp->register_module("gate_proj", MakeLinear(c.hidden_size, c.intermediate_size, false));
  up_proj_ = mlp->register_module("up_proj", MakeLinear(c.hidden_size, c.intermediate_size, false));
  down_proj_ = mlp->register_module("down_proj", MakeLinear(c.intermediate_size, c.hidden_size, false));
  input_layernorm_ = register_module("input_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm_ =
      register_module("post_attention_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor LlamaDecoderLayer::forward(const torch::Tensor& x, const DecoderContext& ctx,
                                         torch::Tensor* cache_k, torch::Tensor* cache_v,
                                         LayerCapture* capture) {
  torch::Tensor h = x + self_attn_->forward(input_layernorm_(x), ctx, cache_k, cache_v, capture);
  torch::Tensor n = post_attention_layernorm_(h);
  torch::Tensor out = h + down_proj_(Apply(act_, gate_proj_(n)) * up_proj_(n));
  if (capture != nullptr && ctx.options->capture_hidden) capture->hidden = out;
  return out;
}

LlamaForCausalLM::LlamaForCausalLM(const TextConfig& c) : config_(c) {
  model_ = register_module("model", std::make_shared<torch::nn::Module>());
  embed_tokens_ = model_->register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers_ = model_->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers_->push_back(std::make_shared<LlamaDecoderLayer>(c));
  }
  norm_ = model_->register_module("norm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  if (!c.tie_word_embeddings) {
    lm_head_ = register_module("lm_head", MakeLinear(c.hidden_size, c.vocab_size, false));
  }
}

torch::Tensor LlamaForCausalLM::Embed(const torch::Tensor& ids) { return embed_tokens_(ids); }

torch::Tensor LlamaForCausalLM::RunLayers(torch::Tensor h, const DecoderContext& ctx,
                                          int64_t last_layer,
                                          const std::vector<LayerCapture*>& captures,
                                          KvCache* cache) {
  for (int64_t i = 0; i <= last_layer; ++i) {
    torch::Tensor* ck = cache != nullptr ? &cache->keys[i] : nullptr;
    torch::Tensor* cv = cache != nullptr ? &cache->values[i] : nullptr;
    h = layers_[i]->as<LlamaDecoderLayer>()->forward(h, ctx, ck, cv, captures[i]);
  }
  return h;
}

torch::Tensor LlamaForCausalLM::Norm(const torch::Tensor& h) { return norm_(h); }

torch::Tensor LlamaForCausalLM::Logits(const torch::Tensor& normed) {
  if (lm_head_) return lm_head_(normed);
  return torch::nn::functional::linear(normed, embed_tokens_->weight);
}

}  // namespace xmas::model
