// `xmas demo`: the README's main command. The whole pipeline on the stress
// demo data (configs/demo.json, built into the binary): XMAS, random and the
// ground-truth controls oracle and anti, then the table (gains over the
// majority baselines, CIs against random) and the report's path.
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/experiment/demo.h"
#include "xmas/experiment/runner.h"

namespace {

struct Options {
  std::string config;
  xmas::experiment::RunnerOptions runner;
};

xmas::Status Run(Options o) {
  XMAS_ASSIGN_OR_RETURN(auto config, o.config.empty() ? xmas::experiment::DemoConfig()
                                                      : xmas::experiment::LoadExperimentConfig(o.config));
  if (o.runner.out_dir.empty()) o.runner.out_dir = "runs/" + config.name;
  std::cout << "xmas demo: " << xmas::experiment::DescribeExperiment(config) << "\n"
            << "output: " << o.runner.out_dir << " (rerun to resume; finished steps are cached)\n\n"
            << std::flush;
  XMAS_ASSIGN_OR_RETURN(auto outcome, xmas::experiment::RunExperiment(config, o.runner));
  if (!outcome.results_markdown.empty()) std::cout << "\n" << outcome.results_markdown << "\n";
  for (const auto& n : outcome.notes) std::cout << "note: " << n << "\n";
  std::cout << "report: " << outcome.report_path << "\n";
  return xmas::Status::Ok();
}

void AddDemo(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "Run the whole XMAS pipeline on the stress demo data (XMAS, random, and the ground-truth\n"
              "controls oracle and anti) and print the results table with CIs against random");
  auto o = std::make_shared<Options>();
  cmd->add_option("--out", o->runner.out_dir, "Output directory (default: runs/demo)");
  cmd->add_option("--config", o->config, "Use this config instead of the built-in configs/demo.json")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--selection-only", o->runner.selection_only,
                "Stop after the selections (no target training or evaluation)");
  xmas::cli::SetAction(cmd, [o] { return Run(*o); });
}
XMAS_COMMAND("demo", AddDemo);

}  // namespace
