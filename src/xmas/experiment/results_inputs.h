// Internal to the experiment runner: what the results table reads besides
// the scores (results_table.h, TableOptions): each benchmark's
// majority-answer baseline, each run's per-question scores, the optimizer
// steps a target took. Torch-free; everything comes from files on disk, so a
// cached rerun builds the same table without training.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "xmas/eval/eval_report.h"
#include "xmas/eval/majority_baseline.h"
#include "xmas/util/status.h"

namespace xmas::experiment::internal {

// Majority-answer baselines of every benchmark file of `bench` (a file or a
// directory), over the first `limit` items of each when limit > 0 (as the
// evaluation scored them), by benchmark name.
Result<std::map<std::string, eval::MajorityBaseline>> LoadBaselines(const std::string& bench, int64_t limit);

// The item scores of <eval_dir>/<benchmark>.predictions.jsonl for every
// benchmark of `report`, in file order. InvalidInput naming file and line
// for a line without a numeric "score".
Result<std::map<std::string, std::vector<double>>> LoadItemScores(const std::string& eval_dir,
                                                                  const eval::EvalReport& report);

// The optimizer steps of a finished training run (global_step of its final
// trainer state); 0 when it cannot be read.
int64_t TrainedSteps(const std::string& run);

}  // namespace xmas::experiment::internal
