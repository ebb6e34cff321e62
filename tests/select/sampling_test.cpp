// Balanced sampling, the NumPy-compatible helpers and budgets.
#include <algorithm>
#include <map>
#include <numeric>

#include <gtest/gtest.h>

#include "xmas/select/balanced.h"
#include "xmas/select/budget.h"
#include "xmas/select/numpy_compat.h"

namespace xmas::select {
namespace {

// 10 clusters of sizes 1..10 (cluster c has c+1 members), scores = index.
std::vector<int64_t> Staircase() {
  std::vector<int64_t> cluster;
  for (int c = 0; c < 10; ++c) cluster.insert(cluster.end(), c + 1, c);
  return cluster;
}

TEST(Balanced, WaterFillingQuotasAndRollover) {
  const auto cluster = Staircase();  // 55 examples
  std::vector<double> score(cluster.size());
  std::iota(score.begin(), score.end(), 0.0);
  BalancedOptions o;
  o.budget = 30;
  o.top_up = false;
  BalancedResult r = BalancedSample(cluster, score, -1, o);
  // Clusters of 1 and 2 members are dropped; 8 remain (sizes 3..10).
  ASSERT_EQ(r.dropped.size(), 2u);
  ASSERT_EQ(r.visits.size(), 8u);
  size_t remaining = 30;
  for (size_t i = 0; i < r.visits.size(); ++i) {
    const auto& v = r.visits[i];
    EXPECT_EQ(v.quota, remaining / (r.visits.size() - i));
    EXPECT_EQ(v.taken, std::min(v.quota, v.size));
    EXPECT_LE(v.taken, v.quota);  // no cluster above its quota
    if (i) EXPECT_LE(r.visits[i - 1].size, v.size);  // ascending size
    remaining -= v.taken;
  }
  EXPECT_EQ(r.chosen.size(), 30u);
  // Dropped clusters (ids 0 and 1) never contribute.
  for (size_t e : r.chosen) EXPECT_GE(cluster[e], 2);
}

TEST(Balanced, LowestScoresFirstTiesInExampleOrder) {
  std::vector<int64_t> cluster(6, 0);
  std::vector<double> score = {3, 1, 2, 1, 0, 5};
  BalancedOptions o;
  o.budget = 4;
  BalancedResult r = BalancedSample(cluster, score, -1, o);
  EXPECT_EQ(r.chosen, (std::vector<size_t>{4, 1, 3, 2}));
}

TEST(Balanced, ExactBudgetWithTopUpAndDeterministicRandomCluster) {
  const auto cluster = Staircase();
  std::vector<double> score(cluster.size(), 0.0);
  for (size_t budget : {0u, 1u, 17u, 50u, 55u}) {
    BalancedOptions o;
    o.budget = budget;
    o.seed = 7;
    BalancedResult a = BalancedSample(cluster, score, 9, o);
    BalancedResult b = BalancedSample(cluster, score, 9, o);
    EXPECT_EQ(a.chosen.size(), budget);
    EXPECT_EQ(a.chosen, b.chosen);  // same seed, same subset
    std::vector<size_t> sorted = a.chosen;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
  }
  BalancedOptions o;
  o.budget = 20;
  o.seed = 1;
  auto x = BalancedSample(cluster, score, 9, o).chosen;
  o.seed = 2;
  auto y = BalancedSample(cluster, score, 9, o).chosen;
  EXPECT_NE(x, y);  // the random cluster (id 9) follows the seed
}

TEST(Balanced, OfficialModeMayFallShortButNeverTakesTinyClusters) {
  std::vector<int64_t> cluster = {0, 0, 1, 1, 1};
  std::vector<double> score(5, 0.0);
  BalancedOptions o;
  o.budget = 5;
  o.top_up = false;
  o.numpy_order = true;
  auto r = BalancedSample(cluster, score, -1, o);
  EXPECT_EQ(r.chosen, (std::vector<size_t>{2, 3, 4}));
}

TEST(NumpyCompat, PairwiseSumMatchesNumpyOrder) {
  std::vector<float> small = {1e8f, 1.f, -1e8f, 1.f};
  EXPECT_EQ(NumpyPairwiseSum(small.data(), 4), ((1e8f + 1.f) + -1e8f) + 1.f);
  std::vector<float> v(9);
  for (int i = 0; i < 9; ++i) v[i] = 0.1f * (i + 1);
  float r[8];
  for (int j = 0; j < 8; ++j) r[j] = v[j];
  const float expect = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])) + v[8];
  EXPECT_EQ(NumpyPairwiseSum(v.data(), 9), expect);
}

TEST(NumpyCompat, ArgsortSortsAndSmallRunsAreStable) {
  std::vector<int64_t> v = {3, 1, 2, 1, 3, 0};
  EXPECT_EQ(NumpyArgsortQuick(v), (std::vector<int64_t>{5, 1, 3, 2, 0, 4}));
  std::vector<int64_t> big(1000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int64_t>((i * 7919) % 37);
  auto order = NumpyArgsortQuick(big);
  for (size_t i = 1; i < order.size(); ++i) EXPECT_LE(big[order[i - 1]], big[order[i]]);
}

TEST(Budget, PercentagesAndCounts) {
  EXPECT_EQ(Budget::Parse("20%")->Resolve(12000), 2400u);
  EXPECT_EQ(Budget::Parse("12.5%")->Resolve(1001), 125u);
  EXPECT_EQ(Budget::Parse("33%")->Resolve(10), 3u);
  EXPECT_EQ(Budget::Parse("5000")->Resolve(665000), 5000u);
  EXPECT_EQ(Budget::Parse("100%")->Resolve(7), 7u);
  for (const char* bad : {"", "%", "abc", "1.5", "101%", "-3", "2.%", "1e3"}) {
    auto b = Budget::Parse(bad);
    EXPECT_FALSE(b.ok()) << bad;
    if (!b.ok()) EXPECT_EQ(b.status().code(), Status::Code::kUsage);
  }
}

}  // namespace
}  // namespace xmas::select
