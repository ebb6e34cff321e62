// Which parts of the model a stage trains, and freezing the rest.
//
// A frozen part has requires_grad(false), so autograd builds no graph through
// it (the frozen vision tower then costs a forward pass only) and the
// optimizer never sees it: its weights cannot change.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "xmas/model/model.h"
#include "xmas/util/status.h"

namespace xmas::train {

struct TrainableParts {
  bool vision = false;
  bool connector = false;
  bool llm = false;

  bool any() const { return vision || connector || llm; }
  // Canonical "vision,connector,llm" order.
  std::string ToString() const;
};

// Parses a comma list of vision|connector|llm (also "projector", "language").
// Usage error on an unknown or empty list.
Result<TrainableParts> ParseTrainable(const std::string& list);

// pretrain: connector; finetune: connector + llm.
Result<TrainableParts> DefaultTrainable(const std::string& stage);

// Sets requires_grad on every parameter by part and returns the trainable
// ones (what the optimizer gets), in the model's parameter order.
std::vector<torch::Tensor> ApplyTrainable(model::Model& model, const TrainableParts& parts);

}  // namespace xmas::train
