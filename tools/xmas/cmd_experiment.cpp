// `xmas experiment CONFIG`: run (or resume) a whole study from one config file.
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/experiment/runner.h"

namespace {

struct Options {
  std::string config;
  xmas::experiment::RunnerOptions runner;
};

xmas::Status Run(const Options& o) {
  XMAS_ASSIGN_OR_RETURN(auto config, xmas::experiment::LoadExperimentConfig(o.config));
  XMAS_ASSIGN_OR_RETURN(auto outcome, xmas::experiment::RunExperiment(config, o.runner));
  if (!outcome.results_markdown.empty()) std::cout << "\n" << outcome.results_markdown << "\n";
  for (const auto& n : outcome.notes) std::cout << "note: " << n << "\n";
  if (!outcome.results_md_path.empty()) {
    std::cout << "results: " << outcome.results_md_path << ", " << outcome.results_csv_path << ", "
              << outcome.results_json_path << "\n";
  }
  std::cout << "report:  " << outcome.report_path << "\n";
  return xmas::Status::Ok();
}

void AddExperiment(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "experiment",
      "Run a whole study from a config file: proxy, trajectories, every selection, target training,\n"
      "evaluation, results table and HTML report. Every step is cached: rerun to resume or extend.");
  auto o = std::make_shared<Options>();
  cmd->add_option("CONFIG", o->config, "Experiment config (JSON; see docs/experiments.md)")
      ->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->runner.out_dir, "Output directory (default: runs/<config name>)");
  cmd->add_flag("--selection-only", o->runner.selection_only,
                "Stop after the selections (no target training or evaluation)");
  xmas::cli::SetAction(cmd, [o] { return Run(*o); });
}
XMAS_COMMAND("experiment", AddExperiment);

}  // namespace
