// Tensor collectives over a World (world.h), for data-parallel training.
//
// Gloo treats the tensors of one call as copies on several devices of the
// same rank, so each operation here sends ONE flat buffer: the gradients (or
// weights) are concatenated, reduced or broadcast once, and copied back —
// also far fewer round trips than one call per parameter.
//
// On a one-process World every function returns at once, leaving its input
// unchanged. Errors are IoErrors naming the operation.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "xmas/dist/world.h"
#include "xmas/util/status.h"

namespace xmas::dist {

// Replaces each parameter's gradient with its sum over the ranks. A rank
// whose parameter has no gradient (it ran no backward pass: its share of the
// batch was empty) contributes zeros, and the gradient is created.
// All parameters must share one dtype and device.
Status AllReduceGradients(World& world, const std::vector<torch::Tensor>& params);

// Copies rank `root`'s values of `tensors` into every rank's (same shapes
// everywhere; one dtype and device).
Status BroadcastTensors(World& world, const std::vector<torch::Tensor>& tensors, int root = 0);

// The element-wise sum over ranks of `values` (float64).
Result<std::vector<double>> SumOverRanks(World& world, const std::vector<double>& values);

}  // namespace xmas::dist
