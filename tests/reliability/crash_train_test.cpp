// kill -9 during `xmas train --save-every 2 --resume` at four moments (a
// timed one, while a checkpoint directory is being written, between two
// checkpoints, just after a checkpoint completes); after each kill the same
// command is run again. The finished run must equal an uninterrupted one:
// every checkpoint's and the final weights byte for byte, and metrics.jsonl
// row for row (all columns but the wall-clock `seconds`), the exact-resume
// guarantee of docs/training.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>

#include "crash_common.h"
#include "kill_run.h"

namespace xmas::reliability {
namespace {
namespace fs = std::filesystem;

std::vector<int64_t> CheckpointSteps(const std::string& run, bool complete_only) {
  std::vector<int64_t> steps;
  std::error_code ec;
  for (fs::directory_iterator it(run, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("checkpoint-", 0) != 0) continue;
    if (complete_only && !fs::exists(it->path() / "trainer_state.json")) continue;
    steps.push_back(std::stoll(name.substr(11)));
  }
  return steps;
}

// metrics.jsonl without the wall-clock column.
std::vector<nlohmann::json> MetricsWithoutTime(const std::string& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto row = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(row.is_discarded()) << path << ": unparseable line: " << line;
    row.erase("seconds");
    rows.push_back(row);
  }
  return rows;
}

TEST(CrashSafety, TrainKilledAtFourMomentsResumesToTheUninterruptedRun) {
  const Reference& ref = GetReference();
  const std::string name = "killed";
  const std::string run = ref.toy->dir + "/" + name;
  std::vector<std::string> args = TrainArgs(*ref.toy, name);
  args.push_back("--resume");
  const std::string log = ref.toy->dir + "/killed_train.log";

  // Each moment is judged against what the run dir held when that invocation started.
  struct Moment {
    const char* what;
    std::function<std::function<bool(double)>()> arm;
  };
  const std::vector<Moment> moments = {
      {"timed: a quarter of the uninterrupted run's wall time",
       [&] { return [&](double t) { return t > 0.25 * ref.train_seconds; }; }},
      {"a new checkpoint directory appears (possibly half-written)",
       [&] {
         const size_t before = CheckpointSteps(run, false).size();
         return [&, before](double) { return CheckpointSteps(run, false).size() > before; };
       }},
      {"one optimizer step after the resumed step (between checkpoints)",
       [&] {
         auto done = CheckpointSteps(run, true);
         const size_t resumed = done.empty() ? 0 : static_cast<size_t>(*std::max_element(done.begin(), done.end()));
         return [&, resumed](double) { return CountLines(run + "/metrics.jsonl") > resumed + 1; };
       }},
      {"a new checkpoint is complete (trainer_state.json written)",
       [&] {
         const size_t before = CheckpointSteps(run, true).size();
         return [&, before](double) { return CheckpointSteps(run, true).size() > before; };
       }},
  };
  for (const Moment& m : moments) {
    KillOutcome k = RunXmasKillWhen(args, log, m.arm());
    ASSERT_TRUE(k.killed) << "the run ended (exit " << k.exit_code << ") before the kill point: " << m.what;
  }
  KillOutcome last = RunXmasKillWhen(args, log, nullptr);
  ASSERT_EQ(last.exit_code, 0) << "resuming after the kills failed; see " << log;

  auto want = FilesUnder(ref.train_run), got = FilesUnder(run);
  // Weights byte for byte. Not optimizer.pt: libtorch keys its state by the
  // parameters' addresses in memory, so two identical runs write different
  // bytes; equal weights and losses at every later step show the state matched.
  for (const auto& [path, bytes] : want) {
    if (path.find("model.safetensors") == std::string::npos) continue;
    ASSERT_TRUE(got.count(path)) << path << " is missing from the resumed run";
    EXPECT_TRUE(got.at(path) == bytes) << path << " differs from the uninterrupted run";
  }
  EXPECT_TRUE(got.count("final/model.safetensors"));
  EXPECT_EQ(MetricsWithoutTime(run + "/metrics.jsonl"), MetricsWithoutTime(ref.train_run + "/metrics.jsonl"));
  EXPECT_EQ(CheckpointSteps(run, true), CheckpointSteps(ref.train_run, true));
  // The last --resume removed what the killed invocations left half-written.
  EXPECT_EQ(TempFilesUnder(run), std::vector<std::string>{});
}

}  // namespace
}  // namespace xmas::reliability
