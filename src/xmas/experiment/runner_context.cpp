#include "xmas/experiment/runner_context.h"

#include <algorithm>
#include <filesystem>

namespace xmas::experiment::internal {

std::string RunContext::Path(const std::string& relative) const {
  return (std::filesystem::path(out_) / relative).string();
}

Result<StepStamp> RunContext::Run(const std::string& label, const std::string& output, const StepKey& key,
                                  const std::function<Status()>& run) {
  ++index_;
  std::string numbered = "[" + std::to_string(index_) + "/" + std::to_string(std::max(total_, index_)) +
                         "] " + label;
  XMAS_ASSIGN_OR_RETURN(StepOutcome outcome, RunCached(numbered, output, key, run));
  steps_.push_back({label, outcome.stamp, outcome.cached});
  return outcome.stamp;
}

double RunContext::Seconds(const std::string& label) const {
  for (const auto& s : steps_) {
    if (s.label == label) return s.stamp.seconds;
  }
  return 0;
}

}  // namespace xmas::experiment::internal
