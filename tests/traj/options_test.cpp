#include <gtest/gtest.h>

#include <set>

#include "xmas/traj/extract_options.h"
#include "xmas/traj/extract_plan.h"
#include "xmas/traj/features.h"

namespace xmas::traj {
namespace {

TEST(Options, CheckpointSpec) {
  const std::vector<int64_t> have = {100, 200, 300, 400};
  EXPECT_EQ(*ParseCheckpointSpec("all", have), have);
  EXPECT_EQ(*ParseCheckpointSpec("300,100,300", have), (std::vector<int64_t>{100, 300}));
  EXPECT_EQ(*ParseCheckpointSpec("200:400:200", have), (std::vector<int64_t>{200, 400}));
  EXPECT_EQ(ParseCheckpointSpec("150", have).status().code(), Status::Code::kUsage);
  EXPECT_EQ(ParseCheckpointSpec("1:x:2", have).status().code(), Status::Code::kUsage);
  EXPECT_EQ(ParseCheckpointSpec("400:100:1", have).status().code(), Status::Code::kUsage);
  EXPECT_FALSE(ParseCheckpointSpec("all", {}).ok());
}

TEST(Options, LayerSpec) {
  EXPECT_EQ(*ParseLayerSpec("all", 3, "--layers"), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(*ParseLayerSpec("-1,0,0", 4, "--layers"), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(*ParseLayerSpec("auto", 24, "--layers"), (std::vector<int64_t>{5, 11, 17, 23}));
  EXPECT_EQ(*ParseLayerSpec("auto", 2, "--layers"), (std::vector<int64_t>{0, 1}));
  auto bad = ParseLayerSpec("4", 4, "--layers");
  EXPECT_EQ(bad.status().code(), Status::Code::kUsage);
  EXPECT_NE(bad.status().message().find("--layers"), std::string::npos);
}

TEST(Options, ShardAndFeatures) {
  int i = -1, n = -1;
  EXPECT_TRUE(ParseShard("2/3", &i, &n).ok());
  EXPECT_EQ(i, 2);
  EXPECT_EQ(n, 3);
  EXPECT_FALSE(ParseShard("3/3", &i, &n).ok());
  EXPECT_FALSE(ParseShard("1", &i, &n).ok());
  auto f = ParseFeatureSet("loss,svd,embed");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FeatureSetName(*f), "svd,loss,embed");
  EXPECT_TRUE(f->NeedsLogits());
  EXPECT_FALSE(ParseFeatureSet("svd,foo").ok());
}

TEST(Options, ShardBatchesPartitionWholeBatchesInOrder) {
  for (size_t rows : {0u, 1u, 7u, 10u, 23u}) {
    for (int count : {1, 2, 3, 5}) {
      std::vector<size_t> all;
      for (int s = 0; s < count; ++s) {
        for (const auto& batch : ShardBatches(rows, 3, s, count)) {
          EXPECT_LE(batch.size(), 3u);
          // Every batch is one the single process forms (starts at a multiple of 3).
          EXPECT_EQ(batch.front() % 3, 0u);
          all.insert(all.end(), batch.begin(), batch.end());
        }
      }
      ASSERT_EQ(all.size(), rows);
      for (size_t i = 0; i < rows; ++i) EXPECT_EQ(all[i], i);
    }
  }
}

}  // namespace
}  // namespace xmas::traj
