// The vision tower in the Hugging Face CLIPVisionModel / SiglipVisionModel
// layout (registered names match "vision_tower.vision_model.*"): patch
// convolution (SigLIP: with bias), class token (CLIP only), learned
// positions, pre-LayerNorm (CLIP only), pre-norm encoder blocks with full
// (bidirectional) attention, post-LayerNorm and SigLIP's pooling head
// (both unused by LLaVA features, kept so checkpoints load completely).
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

class VisionTower : public torch::nn::Module {
 public:
  explicit VisionTower(const VisionConfig& config);
  // images [M, C, H, W] -> hidden state `layer` (0 = embeddings, after
  // pre_layrnorm for CLIP; i = output of encoder layer i),
  // [M, num_tokens, D]; runs only the layers it needs.
  torch::Tensor HiddenState(const torch::Tensor& images, int64_t layer);

 private:
  void RegisterSiglipHead(const VisionConfig& config);

  VisionConfig config_;
  std::shared_ptr<torch::nn::Module> vision_model_, embeddings_, encoder_;
  torch::nn::Conv2d patch_embedding_{nullptr};
  torch::Tensor class_embedding_;
  torch::nn::Embedding position_embedding_{nullptr};
  torch::nn::LayerNorm pre_layrnorm_{nullptr}, post_layernorm_{nullptr};
  torch::nn::ModuleList layers_;
};

}  // namespace xmas::model
