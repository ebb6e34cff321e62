// `xmas demo`: the built-in experiment (configs/demo.json, compiled into the
// binary so the demo runs from any directory).
#pragma once

#include <string>

#include "xmas/experiment/experiment_config.h"
#include "xmas/util/status.h"

namespace xmas::experiment {

// The text of configs/demo.json as it was at build time.
const char* DemoConfigText();

// DemoConfigText() parsed (its name reads "configs/demo.json (built in)").
Result<ExperimentConfig> DemoConfig();

// One line: data, proxy, T, methods, budgets, seeds, target.
std::string DescribeExperiment(const ExperimentConfig& config);

}  // namespace xmas::experiment
