#include "xmas/model/vision.h"

#include <cmath>

namespace xmas::model {
namespace {

torch::nn::Linear MakeLinear(int64_t in, int64_t out, bool bias = true) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

torch::nn::LayerNorm MakeLayerNorm(int64_t dim, double eps) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(eps));
}

}  // namespace

ClipAttention::ClipAttention(const VisionConfig& c) : heads_(c.num_attention_heads) {
  const int64_t d = c.hidden_size;
  q_proj_ = register_module("q_proj", MakeLinear(d, d));
  k_proj_ = register_module("k_proj", MakeLinear(d, d));
  v_proj_ = register_module("v_proj", MakeLinear(d, d));
  out_proj_ = register_module("out_proj", MakeLinear(d, d));
}

torch::Tensor ClipAttention::forward(const torch::Tensor& x) {
  torch::Tensor q = SplitHeads(q_proj_(x), heads_);
  torch::Tensor k = SplitHeads(k_proj_(x), heads_);
  torch::Tensor v = SplitHeads(v_proj_(x), heads_);
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  torch::Tensor probs = AttentionProbs(q, k, torch::Tensor(), scale);
  return out_proj_(MergeHeads(torch::matmul(probs, v)));
}

ClipEncoderLayer::ClipEncoderLayer(const VisionConfig& c) : act_(ParseActivation(c.hidden_act)) {
  self_attn_ = register_module("self_attn", std::make_shared<ClipAttention>(c));
  layer_norm1_ = register_module("layer_norm1", MakeLayerNorm(c.hidden_size, c.layer_norm_eps));
  auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
  fc1_ = mlp->register_module("fc1", MakeLinear(c.hidden_size, c.intermediate_size));
  fc2_ = mlp->register_module("fc2", MakeLinear(c.intermediate_size, c.hidden_size));
  layer_norm2_ = register_module("layer_norm2", MakeLayerNorm(c.hidden_size, c.layer_norm_eps));
}

torch::Tensor ClipEncoderLayer::forward(const torch::Tensor& x) {
  torch::Tensor h = x + self_attn_->forward(layer_norm1_(x));
  return h + fc2_(Apply(act_, fc1_(layer_norm2_(h))));
}

VisionTower::VisionTower(const VisionConfig& c) : config_(c) {
  vision_model_ = register_module("vision_model", std::make_shared<torch::nn::Module>());
  embeddings_ = vision_model_->register_module("embeddings", std::make_shared<torch::nn::Module>());
  patch_embedding_ = embeddings_->register_module(
      "patch_embedding",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(c.num_channels, c.hidden_size, c.patch_size)
                            .stride(c.patch_size)
                            .bias(c.is_siglip())));
  if (c.has_class_token()) {
    class_embedding_ = embeddings_->register_parameter("class_embedding", torch::zeros({c.hidden_size}));
  }
  position_embedding_ = embeddings_->register_module(
      "position_embedding", torch::nn::Embedding(c.num_tokens(), c.hidden_size));
  if (!c.is_siglip()) {
    pre_layrnorm_ = vision_model_->register_module("pre_layrnorm",
                                                   MakeLayerNorm(c.hidden_size, c.layer_norm_eps));
  }
  encoder_ = vision_model_->register_module("encoder", std::make_shared<torch::nn::Module>());
  layers_ = encoder_->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers_->push_back(std::make_shared<ClipEncoderLayer>(c));
  }
  post_layernorm_ = vision_model_->register_module("post_layernorm",
                                                   MakeLayerNorm(c.hidden_size, c.layer_norm_eps));
  if (c.is_siglip() && c.vision_use_head) RegisterSiglipHead(c);
}

// SiglipMultiheadAttentionPoolingHead's parameters (probe, nn.MultiheadAttention,
// LayerNorm, MLP): loaded, never run -- LLaVA reads a hidden state.
void VisionTower::RegisterSiglipHead(const VisionConfig& c) {
  const int64_t d = c.hidden_size;
  auto head = vision_model_->register_module("head", std::make_shared<torch::nn::Module>());
  head->register_parameter("probe", torch::zeros({1, 1, d}));
  auto attention = head->register_module("attention", std::make_shared<torch::nn::Module>());
  attention->register_parameter("in_proj_weight", torch::zeros({3 * d, d}));
  attention->register_parameter("in_proj_bias", torch::zeros({3 * d}));
  attention->register_module("out_proj", MakeLinear(d, d));
  head->register_module("layernorm", MakeLayerNorm(d, c.layer_norm_eps));
  auto mlp = head->register_module("mlp", std::make_shared<torch::nn::Module>());
  mlp->register_module("fc1", MakeLinear(d, c.intermediate_size));
  mlp->register_module("fc2", MakeLinear(c.intermediate_size, d));
}

torch::Tensor VisionTower::HiddenState(const torch::Tensor& images, int64_t layer) {
  const torch::Tensor& weight = patch_embedding_->weight;
  torch::Tensor h = patch_embedding_(images.to(weight.scalar_type()));
  h = h.flatten(2).transpose(1, 2);  // [M, P, D]
  if (config_.has_class_token()) {
    torch::Tensor cls = class_embedding_.view({1, 1, -1}).expand({h.size(0), 1, class_embedding_.size(0)});
    h = torch::cat({cls, h}, 1);
  }
  h = h + position_embedding_->weight.unsqueeze(0);
  if (pre_layrnorm_) h = pre_layrnorm_(h);
  for (int64_t i = 0; i < layer; ++i) {
    h = layers_[i]->as<ClipEncoderLayer>()->forward(h);
  }
  return h;
}

}  // namespace xmas::model
