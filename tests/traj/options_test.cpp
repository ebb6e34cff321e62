#include <gtest/gtest.h>

#include <algorithm>

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

TEST(Options, WindowBatchesSortEachWindowByLengthAndShardWholeWindows) {
  // 23 rows, batches of 2, windows of 3 batches (6 rows): lengths row -> (row * 7) % 11.
  const size_t rows = 23, window = 6;
  std::vector<std::vector<size_t>> single;
  for (int count : {1, 2, 3, 5}) {
    std::vector<std::vector<size_t>> all;
    for (int s = 0; s < count; ++s) {
      const auto [first, last] = ShardRows(rows, window, s, count);
      EXPECT_EQ(first % window, 0u);  // shards start at a window boundary
      std::vector<int64_t> lengths;
      for (size_t i = first; i < last; ++i) lengths.push_back(static_cast<int64_t>((i * 7) % 11));
      for (const auto& batch : WindowBatches(first, last, 2, window, &lengths)) {
        ASSERT_FALSE(batch.empty());
        EXPECT_LE(batch.size(), 2u);
        all.push_back(batch);
      }
    }
    if (count == 1) single = all;
    EXPECT_EQ(all, single) << count;  // every shard forms the single process's batches
  }
  std::vector<size_t> seen;
  for (size_t w = 0; w * window < rows; ++w) {  // within a window: longest first, ties by row
    std::vector<size_t> in_window;
    for (const auto& batch : single) {
      if (batch.front() / window == w) in_window.insert(in_window.end(), batch.begin(), batch.end());
    }
    for (size_t i = 1; i < in_window.size(); ++i) {
      const size_t a = in_window[i - 1], b = in_window[i];
      EXPECT_EQ(a / window, b / window);
      EXPECT_TRUE((a * 7) % 11 > (b * 7) % 11 || ((a * 7) % 11 == (b * 7) % 11 && a < b)) << a << " " << b;
    }
    seen.insert(seen.end(), in_window.begin(), in_window.end());
  }
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), rows);
  for (size_t i = 0; i < rows; ++i) EXPECT_EQ(seen[i], i);
  // Without lengths: consecutive rows, as ShardBatches.
  EXPECT_EQ(WindowBatches(0, rows, 3, 3), ShardBatches(rows, 3, 0, 1));
}

}  // namespace
}  // namespace xmas::traj
