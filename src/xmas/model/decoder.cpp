#include "xmas/model/decoder.h"

#include <cmath>

namespace xmas::model {
namespace {

torch::nn::Linear MakeLinear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

}  // namespace

DecoderNorm::DecoderNorm(int64_t dim, NormKind kind, double eps) : kind_(kind), eps_(eps) {
  weight_ = register_parameter("weight", torch::ones({dim}));
  if (kind == NormKind::kLayerNorm) bias_ = register_parameter("bias", torch::zeros({dim}));
}

torch::Tensor DecoderNorm::forward(const torch::Tensor& x) {
  if (kind_ == NormKind::kLayerNorm) {
    return torch::layer_norm(x, {x.size(-1)}, weight_, bias_, eps_);
  }
  // LLaMA RMSNorm: computed in float32, cast back to x's dtype (as HF does).
  torch::Tensor h = x.to(torch::kFloat32);
  h = h * torch::rsqrt(h.pow(2).mean(-1, /*keepdim=*/true) + eps_);
  return weight_ * h.to(x.scalar_type());
}

DecoderAttention::DecoderAttention(const TextConfig& c, const DecoderSpec& spec)
    : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads) {
  const int64_t d = c.hidden_size, hd = c.head_dim();
  q_proj_ = register_module("q_proj", MakeLinear(d, heads_ * hd, spec.qkv_bias));
  k_proj_ = register_module("k_proj", MakeLinear(d, kv_heads_ * hd, spec.qkv_bias));
  v_proj_ = register_module("v_proj", MakeLinear(d, kv_heads_ * hd, spec.qkv_bias));
  o_proj_ = register_module(spec.o_proj_name, MakeLinear(heads_ * hd, d, spec.o_bias));
}

torch::Tensor DecoderAttention::forward(const torch::Tensor& x, const DecoderContext& ctx,
                                        torch::Tensor* cache_k, torch::Tensor* cache_v,
                                        LayerCapture* capture) {
  const ForwardOptions& opts = *ctx.options;
  LayerCapture qk;
  CaptureQk(x, ctx, &qk);
  torch::Tensor q = qk.q, k = qk.k;
  torch::Tensor v = SplitHeads(v_proj_(x), kv_heads_);
  if (capture != nullptr && opts.capture_qk) {
    capture->q_proj = qk.q_proj;
    capture->k_proj = qk.k_proj;
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

void DecoderAttention::CaptureQk(const torch::Tensor& x, const DecoderContext& ctx, LayerCapture* capture) {
  capture->q_proj = q_proj_(x);
  capture->k_proj = k_proj_(x);
  capture->q = ApplyRope(SplitHeads(capture->q_proj, heads_), ctx.rope);
  capture->k = ApplyRope(SplitHeads(capture->k_proj, kv_heads_), ctx.rope);
}

DecoderLayer::DecoderLayer(const TextConfig& c, const DecoderSpec& spec)
    : act_(ParseActivation(c.hidden_act)), parallel_(spec.parallel_block) {
  self_attn_ = register_module("self_attn", std::make_shared<DecoderAttention>(c, spec));
  auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
  const int64_t d = c.hidden_size, m = c.intermediate_size;
  if (spec.mlp == MlpKind::kGated) {
    gate_proj_ = mlp->register_module("gate_proj", MakeLinear(d, m, spec.mlp_bias));
    up_proj_ = mlp->register_module("up_proj", MakeLinear(d, m, spec.mlp_bias));
    down_proj_ = mlp->register_module("down_proj", MakeLinear(m, d, spec.mlp_bias));
  } else {
    up_proj_ = mlp->register_module(spec.mlp_up_name, MakeLinear(d, m, spec.mlp_bias));
    down_proj_ = mlp->register_module(spec.mlp_down_name, MakeLinear(m, d, spec.mlp_bias));
  }
  norm1_ = register_module(spec.norm1_name, std::make_shared<DecoderNorm>(d, spec.norm, spec.norm_eps));
  if (!parallel_) {
    norm2_ = register_module(spec.norm2_name, std::make_shared<DecoderNorm>(d, spec.norm, spec.norm_eps));
  }
}

torch::Tensor DecoderLayer::Mlp(const torch::Tensor& x) {
  if (gate_proj_) return down_proj_(Apply(act_, gate_proj_(x)) * up_proj_(x));
  return down_proj_(Apply(act_, up_proj_(x)));
}

torch::Tensor DecoderLayer::forward(const torch::Tensor& x, const DecoderContext& ctx,
                                    torch::Tensor* cache_k, torch::Tensor* cache_v,
                                    LayerCapture* capture) {
  torch::Tensor out;
  if (parallel_) {
    torch::Tensor n = norm1_->forward(x);
    out = x + self_attn_->forward(n, ctx, cache_k, cache_v, capture) + Mlp(n);
  } else {
    torch::Tensor h = x + self_attn_->forward(norm1_->forward(x), ctx, cache_k, cache_v, capture);
    out = h + Mlp(norm2_->forward(h));
  }
  if (capture != nullptr && ctx.options->capture_hidden) capture->hidden = out;
  return out;
}

void DecoderLayer::CaptureQk(const torch::Tensor& x, const DecoderContext& ctx, LayerCapture* capture) {
  self_attn_->CaptureQk(norm1_->forward(x), ctx, capture);
}

DecoderLM::DecoderLM(const TextConfig& c) : config_(c) {
  const DecoderSpec spec = SpecOf(c);
  model_ = register_module("model", std::make_shared<torch::nn::Module>());
  embed_tokens_ = model_->register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers_ = model_->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers_->push_back(std::make_shared<DecoderLayer>(c, spec));
  }
  norm_ = model_->register_module(spec.final_norm_name,
                                  std::make_shared<DecoderNorm>(c.hidden_size, spec.norm, spec.norm_eps));
  if (!c.tie_word_embeddings) {
    lm_head_ = register_module("lm_head", MakeLinear(c.hidden_size, c.vocab_size, spec.lm_head_bias));
  }
}

torch::Tensor DecoderLM::Embed(const torch::Tensor& ids) { return embed_tokens_(ids); }

torch::Tensor DecoderLM::RunLayers(torch::Tensor h, const DecoderContext& ctx, int64_t last_layer,
                                   const std::vector<LayerCapture*>& captures, KvCache* cache) {
  for (int64_t i = 0; i <= last_layer; ++i) {
    if (i == ctx.qk_only_layer && captures[i] != nullptr) {
      layers_[i]->as<DecoderLayer>()->CaptureQk(h, ctx, captures[i]);
      break;
    }
    torch::Tensor* ck = cache != nullptr ? &cache->keys[i] : nullptr;
    torch::Tensor* cv = cache != nullptr ? &cache->values[i] : nullptr;
    h = layers_[i]->as<DecoderLayer>()->forward(h, ctx, ck, cv, captures[i]);
  }
  return h;
}

torch::Tensor DecoderLM::Norm(const torch::Tensor& h) { return norm_->forward(h); }

torch::Tensor DecoderLM::Logits(const torch::Tensor& normed) {
  if (lm_head_) return lm_head_(normed);
  return torch::nn::functional::linear(normed, embed_tokens_->weight);
}

}  // namespace xmas::model
