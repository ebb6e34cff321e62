// The names of files on disk: the ones the authors' scripts and earlier runs
// wrote must keep being produced and recognised.
#include "xmas/util/file_names.h"

#include <regex>

#include <gtest/gtest.h>

#include "xmas/util/splitmix.h"

namespace xmas::files {
namespace {

TEST(FileNames, RunLayout) {
  EXPECT_EQ(CheckpointName(200), "checkpoint-200");
  EXPECT_EQ(CheckpointDir("runs/p", 200), "runs/p/checkpoint-200");
  EXPECT_EQ(FinalDir("runs/p"), "runs/p/final");
  EXPECT_EQ(TrainerStatePath("runs/p/checkpoint-2"), "runs/p/checkpoint-2/trainer_state.json");
  EXPECT_EQ(ModelConfigPath("m"), "m/config.json");
  EXPECT_EQ(ModelWeightsPath("m"), "m/model.safetensors");
  EXPECT_EQ(TokenizerPath("m"), "m/tokenizer.model");
  EXPECT_EQ(ManifestPath("s"), "s/manifest.json");
}

TEST(FileNames, CheckpointStepReadsOnlyCheckpointNames) {
  EXPECT_EQ(CheckpointStep("checkpoint-0"), 0);
  EXPECT_EQ(CheckpointStep("checkpoint-123456789012345678"), 123456789012345678);
  for (const char* name : {"checkpoint-", "checkpoint-1x", "checkpoint--1", "final", "xcheckpoint-1",
                           "checkpoint-1234567890123456789"}) {
    EXPECT_EQ(CheckpointStep(name), -1) << name;
  }
  for (int64_t step : {1, 20, 65536}) EXPECT_EQ(CheckpointStep(CheckpointName(step)), step);
}

// What we write for the authors' scripts is what their reader (and ours) matches.
TEST(FileNames, OfficialNamesMatchTheirPatterns) {
  std::smatch m;
  const std::string svd = OfficialSvdFile(400, 5);
  EXPECT_EQ(svd, "checkpoint-400_attn_svd_partial_vals_top5.json");
  ASSERT_TRUE(std::regex_match(svd, m, std::regex(kOfficialSvdRegex)));
  EXPECT_EQ(m[1].str(), "400");
  EXPECT_EQ(m[3].str(), "5");
  EXPECT_TRUE(std::regex_match(std::string("checkpoint-7_attn_svd_full_vals_top12.json"), std::regex(kOfficialSvdRegex)));
  const std::string loss = OfficialLossFile(400);
  EXPECT_EQ(loss, "checkpoint-400_loss.json");
  EXPECT_TRUE(std::regex_match(loss, m, std::regex(kOfficialLossRegex)));
  EXPECT_FALSE(std::regex_match(loss, std::regex(kOfficialSvdRegex)));
  EXPECT_EQ(OfficialClusterFile("attn_svd"), "attn_svd_cluster_idxs.json");
  EXPECT_EQ(OfficialStabilityFile("attn_svd", 5), "attn_svd_stability_vals_top-5_singular_vals.json");
  EXPECT_EQ(OfficialStabilityFile("loss", 5), "loss_stability_vals_top-5_singular_vals.json");
}

TEST(SplitMix64, MatchesTheReference) {
  uint64_t state = 0;  // Vigna's splitmix64.c seeded with 0
  EXPECT_EQ(SplitMix64Next(&state), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(state, 0x9E3779B97F4A7C15ull);
}

}  // namespace
}  // namespace xmas::files
