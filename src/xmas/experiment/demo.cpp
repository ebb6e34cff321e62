#include "xmas/experiment/demo.h"

#include <cstdio>
#include <type_traits>

namespace xmas::experiment {

extern const char* const kDemoConfigJson;  // generated from configs/demo.json (CMakeLists.txt)

const char* DemoConfigText() { return kDemoConfigJson; }

Result<ExperimentConfig> DemoConfig() {
  return ParseExperimentConfig(DemoConfigText(), "configs/demo.json (built in)");
}

std::string DescribeExperiment(const ExperimentConfig& c) {
  auto join = [](const auto& items, const char* suffix) {
    std::string out;
    for (const auto& v : items) {
      char buf[64];
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
        std::snprintf(buf, sizeof buf, "%s", v.c_str());
      } else {
        std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
      }
      out += (out.empty() ? "" : ", ") + std::string(buf) + suffix;
    }
    return out;
  };
  std::string data = c.data.train;
  if (c.data.uses_demo()) {
    char scale[32];
    std::snprintf(scale, sizeof scale, "%g", c.data.demo_scale);
    data = "demo data '" + c.data.demo_size + "'" + (c.data.demo_scale != 1.0 ? std::string(" at scale ") + scale : "");
  }
  return data + "; proxy " + c.proxy.model + " with T=" + std::to_string(c.trajectories.checkpoints) +
         " checkpoints; methods " + join(c.selection.methods, "") + " at " + join(c.selection.budgets, "%") +
         " (random seeds " + join(c.selection.seeds, "") + "); target " + c.target.model;
}

}  // namespace xmas::experiment
