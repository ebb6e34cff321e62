// `xmas experiment CONFIG`: the whole study of one config file, in-process:
//
//   data        demo data generated (data.demo) or the given files
//   tokenizer   one SentencePiece model shared by every model
//   proxy       pretraining (captions), then fine-tuning on the full training
//               set with a checkpoint every save_every steps
//   store       trajectories/features of T proxy checkpoints (traj/)
//   select      every method × budget (× seed for random) (select/)
//   target      pretraining once, then fine-tuning on every subset and on the
//               full data
//   eval        every target model on every benchmark (evaluator.h)
//   results     results.md / results.csv / results.json (results_table.h), report.html
//
// Every step is cached (step_cache.h): rerunning the same config does no
// work, an interrupted run resumes at the step that was cut short, and adding
// a budget, method or seed runs only what is new. Layout of OUT:
//   data/ tokenizer.model proxy/{pretrain,finetune}/ store/ select/<tag>/
//   target/{pretrain,<tag>,full}/ eval/{<tag>,full,pretrain-only}/ results.{md,csv} report.html
// where <tag> is "<method>-<budget>-s<seed>", e.g. "xmas-20-s0".
#pragma once

#include <string>
#include <vector>

#include "xmas/experiment/experiment_config.h"
#include "xmas/util/status.h"

namespace xmas::experiment {

struct RunnerOptions {
  std::string out_dir;   // "" = runs/<config name>
  // Stop after the selections (no target training or evaluation): for
  // studying subsets, and what `xmas demo --until select` uses.
  bool selection_only = false;
};

struct ExperimentOutcome {
  std::string out_dir;
  std::string results_markdown;  // the table (empty when nothing was evaluated)
  std::string results_md_path, results_csv_path, results_json_path, report_path;
  std::vector<std::string> notes;  // what was skipped and why
  int steps_run = 0;               // steps executed by this invocation
  int steps_cached = 0;            // steps whose stored output was reused
};

// Runs (or resumes) the experiment. When a step fails, the report is still
// written with what is done, and the error names the step.
Result<ExperimentOutcome> RunExperiment(const ExperimentConfig& config, const RunnerOptions& options);

// "<method>-<budget>-s<seed>" with the budget as %g ("xmas-12.5-s0").
std::string RunTag(const std::string& method, double budget, uint64_t seed);

}  // namespace xmas::experiment
