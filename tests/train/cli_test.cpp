// `xmas train` through the built binary: what a user types and sees. The
// library behaviour (exact resume, frozen parts, ...) is tested in
// trainer_test.cpp; here the flags, exit codes, one-line errors and the run
// directory a command leaves behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../common/cli_run.h"
#include "toy_data.h"

namespace xmas::train {
namespace {

namespace fs = std::filesystem;
using xmas::clitest::CliRun;
using xmas::clitest::RunXmas;

// The flags of ToyData::Options as a command line (micro model, 1 thread).
std::string TrainArgs(const testing::ToyData& toy, const std::string& run) {
  return "--quiet train --data " + toy.json + " --image-folder " + toy.image_folder + " --config " +
         toy.config + " --stage finetune --trainable vision,connector,llm --lr 2e-3 --batch-size 2" +
         " --grad-accum 2 --seed 5 --threads 1 --tokenizer-vocab 400 --out " + toy.dir + "/" + run;
}

std::vector<double> Losses(const std::string& metrics_jsonl) {
  std::vector<double> losses;
  std::ifstream in(metrics_jsonl);
  for (std::string line; std::getline(in, line);) {
    losses.push_back(nlohmann::json::parse(line).at("loss").get<double>());
  }
  return losses;
}

TEST(TrainCli, HelpAndUsageErrors) {
  testing::ToyData toy;
  CliRun help = RunXmas("train --help", toy.dir);
  EXPECT_EQ(help.code, 0);
  for (const char* flag : {"--data", "--stage", "--save-every", "--resume", "--max-steps", "--trainable"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(RunXmas("train --out " + toy.dir + "/x", toy.dir).code, 2) << "--data is required";
  EXPECT_EQ(RunXmas(TrainArgs(toy, "x") + " --stage warmup", toy.dir).code, 2);
  EXPECT_EQ(RunXmas(TrainArgs(toy, "x") + " --epochs 1 --max-steps 2", toy.dir).code, 2);
}

TEST(TrainCli, RunsSavesCheckpointsAndResumesExactly) {
  testing::ToyData toy;
  CliRun full = RunXmas(TrainArgs(toy, "full") + " --max-steps 4 --save-every 2", toy.dir);
  ASSERT_EQ(full.code, 0) << full.err;
  for (const char* part : {"checkpoint-2", "checkpoint-4", "final", "metrics.jsonl"}) {
    EXPECT_TRUE(fs::exists(toy.dir + "/full/" + part)) << part;
  }
  EXPECT_TRUE(fs::exists(toy.dir + "/full/checkpoint-2/model.safetensors"));
  const std::vector<double> reference = Losses(toy.dir + "/full/metrics.jsonl");
  ASSERT_EQ(reference.size(), 4u);

  // Interrupted after 2 steps, then continued with --resume: the same curve.
  const std::string part = TrainArgs(toy, "part") + " --max-steps 4 --save-every 2";
  ASSERT_EQ(RunXmas(part + " --stop-after 2", toy.dir).code, 0);
  EXPECT_EQ(Losses(toy.dir + "/part/metrics.jsonl").size(), 2u);
  CliRun resumed = RunXmas(part + " --resume", toy.dir);
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(Losses(toy.dir + "/part/metrics.jsonl"), reference);

  // The same command again without --resume/--overwrite refuses the used run.
  CliRun again = RunXmas(part, toy.dir);
  EXPECT_EQ(again.code, 2) << again.err;
  EXPECT_NE(again.err.find("part"), std::string::npos) << again.err;
}

TEST(TrainCli, BadRecordIsOneLineNamingFileRecordAndField) {
  testing::ToyData toy;
  fs::remove(toy.image_folder + "/green.png");
  CliRun bad = RunXmas(TrainArgs(toy, "bad") + " --max-steps 1", toy.dir);
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  for (const char* part : {"data.json", "record 1 (id 'green')", "'image'"}) {
    EXPECT_NE(bad.err.find(part), std::string::npos) << part << " in: " << bad.err;
  }
  CliRun skipped = RunXmas(TrainArgs(toy, "skip") + " --max-steps 1 --on-error skip", toy.dir);
  EXPECT_EQ(skipped.code, 0) << skipped.err;
  EXPECT_TRUE(fs::exists(toy.dir + "/skip/final"));
}

// A run that fails at --init (a hostile safetensors header) after the run
// folder got its tokenizer leaves no folder behind (or an empty one empty),
// so the corrected command is not refused as "not empty".
TEST(TrainCli, FailedInitLeavesNothingBehind) {
  testing::ToyData toy;
  const std::string init = toy.dir + "/hostile";
  fs::create_directories(init);
  std::string header_length(8, '\0');
  header_length[5] = 1;  // 2^40 bytes of header, far beyond the file
  std::ofstream(init + "/model.safetensors", std::ios::binary) << header_length << "{}";
  fs::create_directories(toy.dir + "/empty");
  for (const char* run : {"new", "empty", "parent/child"}) {
    CliRun bad = RunXmas(TrainArgs(toy, run) + " --max-steps 1 --init " + init, toy.dir);
    EXPECT_EQ(bad.code, 1) << bad.err;
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
    EXPECT_NE(bad.err.find("model.safetensors"), std::string::npos) << bad.err;
  }
  EXPECT_FALSE(fs::exists(toy.dir + "/new"));
  EXPECT_FALSE(fs::exists(toy.dir + "/parent"));
  ASSERT_TRUE(fs::is_directory(toy.dir + "/empty"));
  EXPECT_TRUE(fs::is_empty(toy.dir + "/empty"));
  CliRun good = RunXmas(TrainArgs(toy, "new") + " --max-steps 1", toy.dir);
  EXPECT_EQ(good.code, 0) << good.err;
}

}  // namespace
}  // namespace xmas::train
