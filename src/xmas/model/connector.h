// The connector (HF "multi_modal_projector"): vision features -> LLM width.
//   mlp2x_gelu: linear_1 -> projector_hidden_act -> linear_2 (LLaVA-1.5)
//   linear:     linear_1 only (LLaVA-1.0)
#pragma once

#include <torch/torch.h>

#include "xmas/model/config.h"
#include "xmas/model/layers.h"

namespace xmas::model {

class Connector : public torch::nn::Module {
 public:
  explicit Connector(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& features);  // [..., Dv] -> [..., D]

 private:
  Activation act_;
  torch::nn::Linear linear_1_{nullptr}, linear_2_{nullptr};
};

}  // namespace xmas::model
