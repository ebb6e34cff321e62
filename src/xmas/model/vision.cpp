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

ClipVisionTower::ClipVisionTower(const VisionConfig& c) : config_(c) {
  vision_model_ = register_module("vision_model", std::make_shared<torch::nn::Module>());
  embeddings_ = vision_model_->register_module("embeddings", std::make_shared<torch::nn::Module>());
  patch_embedding_ = embeddings_->register_module(
      "patch_embedding",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(c.num_channels, c.hidden_size, c.patch_size)
                            .stride(c.patch_size)
                            .bias(false)));
  class_embedding_ = embeddings_->register_parameter("class_embedding", torch::zeros({c.hidden_size}));
  position_embedding_ = embeddings_->register_module(
      "position_embedding", torch::nn::Embedding(c.num_patches() + 1, c.hidden_size));
  pre_layrnorm_ = vision_model_->register_module("pre_layrnorm",
                                                 MakeLayerNorm(c.hidden_size, c.layer_norm_eps));
  encoder_ = vision_model_->register_module("encoder", std::make_shared<torch::nn::Module>());
  layers_ = encoder_->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers_->push_back(std::make_shared<ClipEncoderLayer>(c));
  }
  post_layernorm_ = vision_model_->register_module("post_layernorm",
                                                   MakeLayerNorm(c.hidden_size, c.layer_norm_eps));
}

torch::Tensor ClipVisionTower::HiddenState(const torch::Tensor& images, int64_t layer) {
  const int64_t m = images.size(0);
  torch::Tensor patches = patch_embedding_(images.to(class_embedding_.scalar_type()));
  patches = patches.flatten(2).transpose(1, 2);  // [M, P, D]
  torch::Tensor cls = class_embedding_.view({1, 1, -1}).expand({m, 1, class_embedding_.size(0)});
  torch::Tensor h = torch::cat({cls, patches}, 1) + position_embedding_->weight.unsqueeze(0);
  h = pre_layrnorm_(h);
  for (int64_t i = 0; i < layer; ++i) {
    h = layers_[i]->as<ClipEncoderLayer>()->forward(h);
  }
  return h;
}

}  // namespace xmas::model
