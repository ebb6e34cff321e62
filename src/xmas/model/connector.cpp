#include "xmas/model/connector.h"

namespace xmas::model {

Connector::Connector(const ModelConfig& c) : act_(ParseActivation(c.projector_hidden_act)) {
  const int64_t dv = c.vision.hidden_size, d = c.text.hidden_size;
  linear_1_ = register_module("linear_1", torch::nn::Linear(dv, d));
  if (c.projector_type == "mlp2x_gelu") {
    linear_2_ = register_module("linear_2", torch::nn::Linear(d, d));
  }
}

torch::Tensor Connector::forward(const torch::Tensor& features) {
  torch::Tensor h = linear_1_(features);
  if (!linear_2_) return h;
  return linear_2_(Apply(act_, h));
}

}  // namespace xmas::model
