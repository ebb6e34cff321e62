// The parameters a config makes the model build -- HF names and shapes --
// computed without building it (no libtorch, no allocation), so a checkpoint
// of any size can be checked against a config (`xmas model check`) and
// parameters counted. tests/model holds this equal to Model::named_parameters()
// for every family.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "xmas/model/config.h"

namespace xmas::model {

using ParameterShapeMap = std::map<std::string, std::vector<int64_t>>;

ParameterShapeMap ParameterShapes(const ModelConfig& config);

}  // namespace xmas::model
