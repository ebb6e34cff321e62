// The device a command runs on, from its --device text.
#pragma once

#include <string>

#include <torch/torch.h>

#include "xmas/util/status.h"

namespace xmas::model {

// "cpu", "cuda" or "cuda:N" (anything torch::Device accepts); a usage error
// "--device: expected cpu, cuda or cuda:N, got '<name>'" otherwise. Whether
// the device exists is checked when a tensor is first put on it.
Result<torch::Device> ParseDevice(const std::string& name);

}  // namespace xmas::model
