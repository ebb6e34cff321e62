// Internal to the experiment runner (runner.cpp, runner_steps.cpp,
// report_builder.cpp): the state shared by the steps of one experiment.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "xmas/experiment/experiment_config.h"
#include "xmas/experiment/step_cache.h"
#include "xmas/util/status.h"

namespace xmas::experiment::internal {

struct StepRecord {
  std::string label;
  StepStamp stamp;
  bool cached = false;
};

// The inputs every step reads, resolved once.
struct DataPaths {
  std::string train, pretrain, images, bench;
  StepStamp stamp;  // identity of the data (content hash)
};

// One (method, budget, seed) of the experiment and how far it got.
struct SelectionRun {
  std::string method;
  double budget = 0;
  uint64_t seed = 0;
  std::string tag;            // RunTag(method, budget, seed)
  bool needs_proxy = false;   // the method reads the feature store
  bool selected = false, trained = false, evaluated = false;
  StepStamp select, target, eval;
};

class RunContext {
 public:
  RunContext(const ExperimentConfig& config, std::string out, int total_steps)
      : config_(config), out_(std::move(out)), total_(total_steps) {}

  const ExperimentConfig& config() const { return config_; }
  // OUT/<relative>.
  std::string Path(const std::string& relative) const;

  // RunCached with a "[i/N] label" log line; records the step for the report.
  Result<StepStamp> Run(const std::string& label, const std::string& output, const StepKey& key,
                        const std::function<Status()>& run);

  const std::vector<StepRecord>& steps() const { return steps_; }
  // Seconds recorded for the step with this label (0 if absent).
  double Seconds(const std::string& label) const;

  DataPaths data;
  std::string tokenizer;
  StepStamp tokenizer_stamp;

 private:
  const ExperimentConfig& config_;
  std::string out_;
  int total_;
  int index_ = 0;
  std::vector<StepRecord> steps_;
};

}  // namespace xmas::experiment::internal
