// The experiment cache: a step is skipped when its inputs are unchanged.
//
// Every step has one output (a file or a directory) and a key: the SHA-256 of
// its kind, its settings and the content hashes of its inputs (external files
// are hashed; an upstream step contributes the content hash of its output,
// recorded once when that step finished). When a step finishes, a stamp
//   <dir>/.<output name>.xmas-step.json   {"key", "output_hash", "seconds", "inputs"}
// is written atomically beside the output. The stamp is removed before a step
// (re)runs and written only after the output is complete, so an interrupted
// step is never "done": the next run redoes it, and an extended experiment
// (a new budget, method or seed) reruns only the steps whose key is new.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/experiment/content_hash.h"
#include "xmas/util/status.h"

namespace xmas::experiment {

struct StepStamp {
  std::string key;
  std::string output_hash;    // HashPath(output) when the step finished
  double seconds = 0;         // wall time of the step when it ran
  nlohmann::json inputs;      // what went into the key (for "why did this rerun")
};

// Collects a step's inputs into its key.
class StepKey {
 public:
  explicit StepKey(const std::string& kind);
  StepKey& Setting(const std::string& name, const std::string& value);
  StepKey& Setting(const std::string& name, const nlohmann::json& value);
  // Hashes a file or directory's content (HashPath).
  Status InputPath(const std::string& name, const std::string& path);
  // An upstream step's output, by the content hash in its stamp.
  StepKey& Upstream(const std::string& name, const StepStamp& stamp);

  std::string Key() const;
  const nlohmann::json& inputs() const { return inputs_; }

 private:
  nlohmann::json inputs_ = nlohmann::json::object();
};

// <dir>/.<name>.xmas-step.json for output <dir>/<name>.
std::string StampPath(const std::string& output);

// The stamp of `output`, or nullopt when there is none. A stamp that does not
// parse counts as none (it will be rewritten).
std::optional<StepStamp> ReadStamp(const std::string& output);

// The stamp if `output` exists and its stamp carries `key`; else nullopt.
std::optional<StepStamp> FindDone(const std::string& output, const std::string& key);

Status RemoveStamp(const std::string& output);

// Hashes the finished output and writes its stamp (atomically).
Result<StepStamp> MarkDone(const std::string& output, const StepKey& key, double seconds);

struct StepOutcome {
  StepStamp stamp;
  bool cached = false;  // true: skipped, the stored output was reused
};

// Runs `run` (which must leave `output` complete) unless `output` is already
// done for this key. Logs "step: cached" / timing through xmas::log.
Result<StepOutcome> RunCached(const std::string& label, const std::string& output,
                              const StepKey& key, const std::function<Status()>& run);

}  // namespace xmas::experiment
