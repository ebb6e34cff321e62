// CLIP ViT vision tower in the Hugging Face CLIPVisionModel layout
// (registered names match "vision_tower.vision_model.*"): patch convolution
// without bias, class token, learned positions, pre-LayerNorm, pre-norm
// encoder blocks with full (bidirectional) attention, post-LayerNorm (unused
// by LLaVA features, kept for checkpoint fidelity).
#pragma once

#include <torch/torch.h>

#include "xmas/model/config.h"
#include "xmas/model/layers.h"

namespace xmas::model {

class ClipAttention : public torch::nn::Module {
 public:
  explicit ClipAttention(const VisionConfig& config);
  torch::Tensor forward(const torch::Tensor& x);  // [M, N, D]

 private:
  int64_t heads_;
  torch::nn::Linear q_proj_{nullptr}, k_proj_{nullptr}, v_proj_{nullptr}, out_proj_{nullptr};
};

class ClipEncoderLayer : public torch::nn::Module {
 public:
  explicit ClipEncoderLayer(const VisionConfig& config);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  Activation act_;
  std::shared_ptr<ClipAttention> self_attn_;
  torch::nn::LayerNorm layer_norm1_{nullptr}, layer_norm2_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};

class ClipVisionTower : public torch::nn::Module {
 public:
  explicit ClipVisionTower(const VisionConfig& config);
  // images [M, C, H, W] -> hidden state `layer` (0 = embeddings after
  // pre_layrnorm, i = output of encoder layer i), [M, 1 + P, D]; runs only
  // the layers it needs.
  torch::Tensor HiddenState(const torch::Tensor& images, int64_t layer);

 private:
  VisionConfig config_;
  std::shared_ptr<torch::nn::Module> vision_model_, embeddings_, encoder_;
  torch::nn::Conv2d patch_embedding_{nullptr};
  torch::Tensor class_embedding_;
  torch::nn::Embedding position_embedding_{nullptr};
  torch::nn::LayerNorm pre_layrnorm_{nullptr}, post_layernorm_{nullptr};
  torch::nn::ModuleList layers_;
};

}  // namespace xmas::model
