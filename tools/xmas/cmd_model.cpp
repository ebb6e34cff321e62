// `xmas model init|info`: create a randomly initialised model directory
// (config.json + model.safetensors) from a preset, and summarise one.
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/model/config.h"
#include "xmas/model/model_dir.h"

namespace {

std::string PresetList() {
  std::string s;
  for (const auto& n : xmas::model::PresetNames()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void AddModelInit(CLI::App& app) {
  auto* group = xmas::cli::GetOrAddGroup(app, "model", "Create and inspect model directories");
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
  auto* group = xmas::cli::GetOrAddGroup(app, "model", "Create and inspect model directories");
  auto* cmd = group->add_subcommand("info", "Summarise a model directory (sizes, parameters, weight files)");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "Model directory with config.json")->required();
  xmas::cli::SetAction(cmd, [dir]() -> xmas::Status {
    XMAS_ASSIGN_OR_RETURN(std::string text, xmas::model::DescribeModelDir(*dir));
    std::cout << text;
    return xmas::Status::Ok();
  });
}

XMAS_COMMAND("model info", AddModelInfo);
XMAS_COMMAND("model init", AddModelInit);

}  // namespace
