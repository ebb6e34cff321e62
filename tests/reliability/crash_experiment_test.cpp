// kill -9 during `xmas experiment --selection-only` (a reduced demo: data,
// tokenizer, proxy fine-tuning, trajectories, one XMAS selection) while the
// proxy is being trained, then the same command again: it must resume (the
// step cache, docs/experiments.md) and end with the uninterrupted run's
// feature store byte for byte and the same selection (its timings aside).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "crash_common.h"
#include "kill_run.h"

namespace xmas::reliability {
namespace {
namespace fs = std::filesystem;

constexpr char kConfig[] = R"({
  "name": "crash",
  "data": {"demo": {"size": "small", "seed": 0, "scale": 0.01}},
  "tokenizer": {"vocab_size": 400},
  "threads": 1,
  "proxy": {"model": "tiny", "pretrain_enabled": false,
            "finetune": {"learning_rate": 1e-3, "batch_size": 8, "max_steps": 6, "save_every": 2}},
  "trajectories": {"checkpoints": 3, "batch_size": 16},
  "selection": {"methods": ["xmas"], "budgets": [50], "seeds": [0], "clusters": 2},
  "target": {"model": "tiny", "pretrain_enabled": false, "finetune": {"learning_rate": 1e-3, "batch_size": 8, "max_steps": 1}},
  "eval": {"max_new_tokens": 1, "batch_size": 8, "limit": 1}
})";

// Files of the outputs that must not depend on being interrupted.
std::map<std::string, std::string> Outputs(const std::string& out) {
  std::map<std::string, std::string> files;
  for (const char* part : {"store", "select"}) {
    for (auto& [path, bytes] : FilesUnder(out + "/" + part)) {
      if (path.find(".xmas-step.json") != std::string::npos || path.find("report") != std::string::npos) continue;
      if (path.size() >= 14 && path.compare(path.size() - 14, 14, "selection.json") == 0) {
        auto j = nlohmann::json::parse(bytes, nullptr, false);  // all but its wall/CPU times
        if (j.is_object()) j.erase("timings");
        bytes = j.dump();
      }
      files[std::string(part) + "/" + path] = std::move(bytes);
    }
  }
  return files;
}

TEST(CrashSafety, ExperimentKilledDuringTheProxyResumesToTheSameSelection) {
  const fs::path dir = fs::temp_directory_path() / ("xmas_crash_experiment_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string config = (dir / "crash.json").string(), log = (dir / "experiment.log").string();
  std::ofstream(config) << kConfig;
  auto args = [&](const std::string& out) {
    return std::vector<std::string>{"--quiet", "experiment", config, "--selection-only", "--out", (dir / out).string()};
  };
  // Both runs write to the same --out (files record their paths): the
  // uninterrupted one first, moved aside before the killed one starts.
  KillOutcome ref = RunXmasKillWhen(args("out"), log, nullptr);
  ASSERT_EQ(ref.exit_code, 0) << "see " << log;
  const auto want = Outputs((dir / "out").string());
  ASSERT_FALSE(want.empty());
  fs::rename(dir / "out", dir / "ref");

  const std::string proxy_checkpoint = (dir / "out" / "proxy" / "finetune" / "checkpoint-2").string();
  KillOutcome killed = RunXmasKillWhen(args("out"), log, [&](double) { return fs::exists(proxy_checkpoint); });
  ASSERT_TRUE(killed.killed) << "ended (exit " << killed.exit_code << ") before the proxy's first checkpoint";
  KillOutcome resumed = RunXmasKillWhen(args("out"), log, nullptr);
  ASSERT_EQ(resumed.exit_code, 0) << "see " << log;
  const auto got = Outputs((dir / "out").string());
  for (const auto& [path, bytes] : want) {
    ASSERT_TRUE(got.count(path)) << path << " is missing after resuming";
    EXPECT_TRUE(got.at(path) == bytes) << path << " differs from the uninterrupted run";
  }
  EXPECT_EQ(got.size(), want.size());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xmas::reliability
