// `xmas model init|info|check`: create a randomly initialised model directory
// (config.json + model.safetensors) from a preset, summarise one, and check
// that a checkpoint folder loads exactly (model_check.h).
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/model/config.h"
#include "xmas/model/model_check.h"
#include "xmas/model/model_dir.h"

namespace {

std::string PresetList() {
  std::string s;
  for (const auto& n : xmas::model::PresetNames()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void AddModelInit(CLI::App& app) {
  auto* group = xmas::cli::GetOrAddGroup(app, "model");
  auto* cmd = group->add_subcommand("init", "Write a randomly initialised model (config.json + model.safetensors)");
  auto opts = std::make_shared<xmas::model::InitOptions>();
  cmd->add_option("--config", opts->config, "Preset (" + PresetList() + ") or config.json path")
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->output_dir, "Output directory")->required();
  cmd->add_option("--tokenizer", opts->tokenizer,
                  "SentencePiece .model whose vocabulary size and special ids the model takes");
  cmd->add_option("--dtype", opts->dtype, "Weights dtype: float32, bfloat16, float16")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Initialisation seed")->capture_default_str();
  cmd->add_flag("--overwrite", opts->overwrite, "Allow a non-empty output directory");
  xmas::cli::SetAction(cmd, [opts] { return xmas::model::InitModelDir(*opts); });
}

void AddModelInfo(CLI::App& app) {
  auto* group = xmas::cli::GetOrAddGroup(app, "model");
  auto* cmd = group->add_subcommand("info", "Summarise a model directory (sizes, parameters, weight files)");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "Model directory with config.json")->required();
  xmas::cli::SetAction(cmd, [dir]() -> xmas::Status {
    XMAS_ASSIGN_OR_RETURN(std::string text, xmas::model::DescribeModelDir(*dir));
    std::cout << text;
    return xmas::Status::Ok();
  });
}

void AddModelCheck(CLI::App& app) {
  auto* group = xmas::cli::GetOrAddGroup(app, "model");
  auto* cmd = group->add_subcommand(
      "check", "Report what xmas makes of a checkpoint folder (family, sizes, tokenizer, template, "
               "preprocessing, image tokens) and whether every tensor matches; exit 1 if it cannot load");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "Checkpoint folder with config.json and safetensors")->required();
  xmas::cli::SetAction(cmd, [dir]() -> xmas::Status {
    xmas::model::ModelCheckReport report = xmas::model::CheckModelDir(*dir);
    std::cout << report.text << (report.status.ok() ? "check: OK\n" : "check: FAILED\n") << std::flush;
    return report.status;
  });
}

XMAS_COMMAND("model check", AddModelCheck);
XMAS_COMMAND("model info", AddModelInfo);
XMAS_COMMAND("model init", AddModelInit);

}  // namespace
