// Internal to the experiment runner: one function per kind of step. Each
// builds the step's cache key from its inputs and settings and runs it
// through RunContext::Run (cached when unchanged).
#pragma once

#include <string>

#include "xmas/data/dataset.h"
#include "xmas/experiment/runner_context.h"

namespace xmas::experiment::internal {

// data/ (demo) or the configured files; fills ctx->data.
Status PrepareData(RunContext* ctx);
// tokenizer.model (trained on the training text) or the configured one.
Status PrepareTokenizer(RunContext* ctx);

struct TrainSpec {
  std::string label;             // "proxy pretrain", "target xmas-20-s0", ...
  std::string out;               // the RUN directory
  std::string stage;             // "pretrain" | "finetune"
  std::string data;              // LLaVA JSON
  StepStamp data_stamp;          // its identity
  const ModelSettings* model = nullptr;
  const TrainSettings* recipe = nullptr;
  std::string init;              // "" or a checkpoint directory ...
  StepStamp init_stamp;          // ... and the stamp of the run that made it
};
Result<StepStamp> TrainStep(RunContext* ctx, const TrainSpec& spec);

// store/: features of T checkpoints of the proxy run.
Result<StepStamp> TrajectoryStep(RunContext* ctx, const std::string& proxy_run, const StepStamp& proxy,
                                 const std::string& features);

// select/<tag>/{subset.json, selection.json}; `store` may be empty (random).
Result<StepStamp> SelectStep(RunContext* ctx, const data::Dataset& dataset, const std::string& method,
                             double budget, uint64_t seed, const StepStamp* store);

// eval/<tag>/{scores.json, <bench>.predictions.jsonl} for a target run.
Result<StepStamp> EvalStep(RunContext* ctx, const std::string& tag, const std::string& target_run,
                           const StepStamp& target);

// The T checkpoint steps used from `available` (ascending): spread evenly,
// always including the last; all of them when T is 0 or >= their number.
std::vector<int64_t> PickCheckpoints(const std::vector<int64_t>& available, int64_t t);

}  // namespace xmas::experiment::internal
