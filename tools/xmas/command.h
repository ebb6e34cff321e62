// How a subcommand plugs into the `xmas` CLI.
//
// Each tools/xmas/cmd_*.cpp file parses arguments only and calls libxmas:
//
//   namespace {
//   void AddStats(CLI::App& app) {
//     auto* cmd = app.add_subcommand("stats", "Count records by source");
//     auto opts = std::make_shared<Options>();
//     cmd->add_option("DATA", opts->data, "LLaVA JSON file")->required();
//     xmas::cli::SetAction(cmd, [opts] { return xmas::data::PrintStats(*opts); });
//   }
//   XMAS_COMMAND("data stats", AddStats);
//   }  // namespace
//
// The action returns a Status: OK exits 0, kUsage exits 2, anything else
// prints one "xmas: error: ..." line on stderr and exits 1.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "xmas/util/status.h"

namespace xmas::cli {

using Registrar = void (*)(CLI::App& app);

// Called from static initialisers; returns true so it can initialise a bool.
// `sort_key` orders the commands in --help (usually the command's name).
bool RegisterCommand(const char* sort_key, Registrar registrar);
// Adds every registered command to `app`, ordered by sort key.
void AddRegisteredCommands(CLI::App& app);

// Returns the subcommand group `name` of `app` ("data", "model",
// "tokenizer"), creating it on first use with its description from the one
// table of groups (command.cpp), so several files can add to one group.
CLI::App* GetOrAddGroup(CLI::App& app, const std::string& name);

// Thrown by SetAction's callback to carry a failed Status out of CLI11.
struct CommandFailed {
  Status status;
};

void SetAction(CLI::App* command, std::function<Status()> action);

// Adds the positional DATA argument (a dataset file in any format
// data::Dataset reads) to a command, required.
CLI::Option* AddDatasetArgument(CLI::App* command, std::string* path);

// Where a model command runs: --device, --dtype and --threads, help texts
// showing the defaults already in the fields.
struct ComputeOptions {
  std::string* device;
  std::string* dtype;
  int64_t* threads;
  const char* threads_help;  // what 0 or the default means for this command
};
void AddComputeOptions(CLI::App* command, const ComputeOptions& options);

// Adds --on-error fail|skip (default fail) to a command.
CLI::Option* AddOnErrorOption(CLI::App* command, std::string* policy);

}  // namespace xmas::cli

#define XMAS_COMMAND_CONCAT_INNER(a, b) a##b
#define XMAS_COMMAND_CONCAT(a, b) XMAS_COMMAND_CONCAT_INNER(a, b)
#define XMAS_COMMAND(sort_key, registrar) \
  static const bool XMAS_COMMAND_CONCAT(xmas_command_registered_, __LINE__) = \
      ::xmas::cli::RegisterCommand(sort_key, registrar)
