// Issue 17: trajectory normalisation, duplicate-aware sampling, the
// stratified order, the default cluster count, centred embeddings and the
// explain view.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <gtest/gtest.h>

#include "test_util.h"
#include "xmas/select/balanced.h"
#include "xmas/select/baseline_util.h"
#include "xmas/select/duplicates.h"
#include "xmas/select/explain.h"
#include "xmas/select/select.h"
#include "xmas/select/trajectories.h"

namespace xmas::select {
namespace {

TEST(Dedup, SkipsPickedGroupsAndCountsThem) {
  // One cluster of 6: examples 0-2 are one group, best scores first.
  std::vector<int64_t> cluster(6, 0), group = {7, 7, 7, 1, 2, 3};
  std::vector<double> score = {0, 1, 2, 3, 4, 5};
  BalancedOptions o;
  o.budget = 3;
  o.group = &group;
  BalancedResult r = BalancedSample(cluster, score, -1, o);
  EXPECT_EQ(r.chosen, (std::vector<size_t>{0, 3, 4}));
  ASSERT_EQ(r.visits.size(), 1u);
  EXPECT_EQ(r.visits[0].skipped, 2u);
  EXPECT_EQ(r.visits[0].taken, 3u);
  o.group = nullptr;  // the paper's sampler takes the copies together
  EXPECT_EQ(BalancedSample(cluster, score, -1, o).chosen, (std::vector<size_t>{0, 1, 2}));
}

TEST(Dedup, DuplicatesOnlyAfterEveryOtherExampleInTheTopUp) {
  // Two clusters; the budget outgrows the unique examples.
  std::vector<int64_t> cluster = {0, 0, 0, 1, 1, 1}, group = {5, 5, 5, 6, 7, 8};
  std::vector<double> score(6, 0.0);
  BalancedOptions o;
  o.budget = 5;
  o.group = &group;
  BalancedResult r = BalancedSample(cluster, score, -1, o);
  ASSERT_EQ(r.chosen.size(), 5u);
  std::set<size_t> first4(r.chosen.begin(), r.chosen.begin() + 4);
  EXPECT_EQ(first4, (std::set<size_t>{0, 3, 4, 5}));  // one per group first
  EXPECT_EQ(r.topped_up_duplicates, 1u);
  EXPECT_EQ(r.visits[0].skipped + r.visits[1].skipped, 2u);
}

TEST(Dedup, UniqueIdxBaseStripsOnlyTheAuthorsSuffix) {
  EXPECT_EQ(UniqueIdxBase("a::img.jpg#12"), "a::img.jpg");
  EXPECT_EQ(UniqueIdxBase("a::img.jpg"), "a::img.jpg");
  EXPECT_EQ(UniqueIdxBase("tag#x1"), "tag#x1");
  EXPECT_EQ(UniqueIdxBase("tag#"), "tag#");
}

Trajectories Rows(const std::vector<std::vector<float>>& rows) {
  Trajectories t;
  for (size_t i = 0; i < rows.size(); ++i) t.keys.Insert("k" + std::to_string(i));
  t.steps.resize(rows[0].size());
  std::iota(t.steps.begin(), t.steps.end(), int64_t{1});
  for (const auto& r : rows) t.values.insert(t.values.end(), r.begin(), r.end());
  t.valid.assign(rows.size(), 1);
  return t;
}

TEST(Dedup, EqualTrajectoriesJoinOneGroup) {
  // Row 4 is row 0 times 1.5: proportional is not equal.
  Trajectories t = Rows({{1, 2, 3}, {5, 1, 1}, {1, 2, 3.00001f}, {1, 2, 3.1f}, {1.5f, 3, 4.5f}});
  std::vector<int64_t> group = {0, 1, 2, 3, 4};
  EXPECT_EQ(MergeEqualTrajectories(t, {0, 1, 2, 3, 4}, 1e-4, &group), 1u);
  EXPECT_NE(group[4], group[0]);
  EXPECT_EQ(group[0], group[2]);
  EXPECT_NE(group[0], group[3]);
  EXPECT_NE(group[0], group[1]);
}

TEST(Normalize, ShapeAndResidualRemoveAMagnitudeFactor) {
  // Every row the same profile times its own magnitude.
  const std::vector<float> p = {1, 2, 4};
  std::vector<std::vector<float>> rows;
  for (float m : {1.f, 3.f, 10.f, 0.5f}) rows.push_back({m * p[0], m * p[1], m * p[2]});
  for (Normalize how : {Normalize::kShape, Normalize::kResidual}) {
    Trajectories t = Rows(rows);
    NormalizeTrajectories(&t, how);
    for (size_t i = 1; i < t.rows(); ++i) {
      for (size_t c = 0; c < t.width(); ++c) EXPECT_NEAR(t.row(i)[c], t.row(0)[c], 1e-5) << i << "," << c;
    }
  }
  Trajectories raw = Rows(rows);
  NormalizeTrajectories(&raw, Normalize::kNone);
  EXPECT_EQ(raw.values[3], 3.f);  // none: the authors' values
  EXPECT_NEAR(RowMeans(raw)[2], 10.f * 7 / 3, 1e-4);
}

TEST(Normalize, InvalidRowsAreLeftAlone) {
  Trajectories t = Rows({{1, 2}, {7, 9}, {2, 6}});
  t.valid[1] = 0;
  NormalizeTrajectories(&t, Normalize::kShape);
  EXPECT_EQ(t.row(1)[0], 7.f);
  EXPECT_NEAR(t.row(2)[0], 0.5f, 1e-6);
  EXPECT_TRUE(std::isnan(RowMeans(t)[1]));
}

TEST(DefaultClusters, GrowsWithTheDataAndLeavesEveryClusterAQuota) {
  EXPECT_EQ(DefaultClusters(1000, 0), 22);
  EXPECT_EQ(DefaultClusters(1000, 100), 5);      // 10% of 1k: 20 picks per cluster
  EXPECT_EQ(DefaultClusters(8000, 2400), 63);
  EXPECT_EQ(DefaultClusters(665000, 133000), 577);
  EXPECT_EQ(DefaultClusters(10000000, 0), 1000);
  EXPECT_EQ(DefaultClusters(1000, 10), 2);       // never one cluster
  EXPECT_EQ(DefaultClusters(1, 0), 1);
  SelectOptions o;
  EXPECT_EQ(KMeansFor(o, 8000, 800).k, 40);
  o.compat = Compat::kOfficial;
  EXPECT_EQ(KMeansFor(o, 8000, 800).k, 1000);
}

TEST(Diagnostics, SpearmanAndNmi) {
  EXPECT_NEAR(Spearman({1, 2, 3, 4}, {10, 20, 25, 100}), 1.0, 1e-12);
  EXPECT_NEAR(Spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
  EXPECT_NEAR(Spearman({1, 2, NAN, 3, 4}, {1, 2, 9, 3, 4}), 1.0, 1e-12);  // NaN pairs left out
  EXPECT_TRUE(std::isnan(Spearman({1, 1, 1}, {1, 2, 3})));
  EXPECT_NEAR(NormalizedMutualInformation({0, 0, 1, 1}, {5, 5, 6, 6}), 1.0, 1e-12);
  EXPECT_NEAR(NormalizedMutualInformation({0, 1, 0, 1}, {5, 5, 6, 6}), 0.0, 1e-12);
}

TEST(Explain, OneEntryPerClusterWithTaskMix) {
  Selection s;
  s.cluster_of = {0, 0, 0, 1, 1, 1, 1};
  s.chosen = {0, 3, 4};
  s.visits = {{0, 3, 2, 1, 2}, {1, 4, 2, 2, 0}};
  Truth truth;
  for (int i = 0; i < 7; ++i) {
    TruthRecord r;
    r.task = i < 3 ? "ocr" : (i % 2 ? "count" : "color");
    r.words_after_image = i;
    truth.records.push_back(r);
  }
  nlohmann::json e = ExplainClusters(s, &truth);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0]["skipped"], 2);
  EXPECT_DOUBLE_EQ(e[0]["mean_words"].get<double>(), 1.0);
  EXPECT_EQ(e[1]["tasks"]["count"], 2);
  EXPECT_EQ(e[1]["taken_tasks"]["count"], 1);
  EXPECT_EQ(e[1]["taken_tasks"]["color"], 1);
  EXPECT_NE(ExplainTable(e).find("ocr 1/3"), std::string::npos);
  EXPECT_FALSE(ExplainClusters(s, nullptr)[0].contains("tasks"));
}

TEST(Embeddings, CentringRemovesTheSharedDirection) {
  xmas::store::FeatureMatrix m;
  m.rows = 3;
  m.cols = 2;
  m.values = {1.0f, 0.1f, 1.0f, -0.1f, 0.f, 0.f};  // cosine 0.98 raw
  SelectOptions o;
  xmas::store::FeatureMatrix raw = m;
  o.embed_norm = EmbedNorm::kRaw;
  PrepareEmbedding(&raw, o);
  EXPECT_GT(Dot(raw.row(0), raw.row(1), 2), 0.97f);
  o.embed_norm = EmbedNorm::kCentred;
  PrepareEmbedding(&m, o);
  EXPECT_NEAR(Dot(m.row(0), m.row(1), 2), -1.0f, 1e-6);
  EXPECT_EQ(m.row(2)[0], 0.f);  // a zero row stays zero
}

}  // namespace
}  // namespace xmas::select

namespace xmas::select {
namespace {

TEST(TextQuota, TheRandomClusterGetsItsShareOfTheBudget) {
  // 90 examples in 9 image clusters of 10, and 10 text-only ones (id 99).
  std::vector<int64_t> cluster;
  for (int c = 0; c < 9; ++c) cluster.insert(cluster.end(), 10, c);
  cluster.insert(cluster.end(), 10, 99);
  std::vector<double> score(cluster.size(), 0.0);
  BalancedOptions o;
  o.budget = 50;
  auto text_picks = [&](const BalancedResult& r) {
    return std::count_if(r.chosen.begin(), r.chosen.end(), [&](size_t e) { return cluster[e] == 99; });
  };
  EXPECT_EQ(text_picks(BalancedSample(cluster, score, 99, o)), 5);  // one cluster of 10: 50/10
  o.budget = 20;
  EXPECT_EQ(text_picks(BalancedSample(cluster, score, 99, o)), 2);
  o.random_cluster_share = true;  // 10% of the examples: 10% of the budget
  o.budget = 50;
  BalancedResult r = BalancedSample(cluster, score, 99, o);
  EXPECT_EQ(text_picks(r), 5);
  EXPECT_EQ(r.visits.front().cluster, 99);
  EXPECT_EQ(r.chosen.size(), 50u);
  // With many image clusters the paper's rule starves the text-only ones.
  std::vector<int64_t> many;
  for (int c = 0; c < 90; ++c) many.insert(many.end(), 10, c);
  many.insert(many.end(), 100, 999);
  std::vector<double> zero(many.size(), 0.0);
  o.budget = 300;
  BalancedResult share = BalancedSample(many, zero, 999, o);
  o.random_cluster_share = false;
  BalancedResult paper = BalancedSample(many, zero, 999, o);
  auto picks = [&](const BalancedResult& x) {
    return std::count_if(x.chosen.begin(), x.chosen.end(), [&](size_t e) { return many[e] == 999; });
  };
  EXPECT_EQ(picks(share), 30);
  EXPECT_EQ(picks(paper), 4);  // 300 / 91 and the rounding left over
}

}  // namespace
}  // namespace xmas::select

namespace xmas::select {
namespace {

// End to end through Select: records 20..39 repeat the trajectories of
// 0..19 (copies with other ids). The default mode takes no pair twice; the
// paper's order on raw values takes the copies side by side.
TEST(DefaultMode, CopiesWithOtherIdsAreSkipped) {
  testing::TempDir d;
  const size_t images = 40, steps = 3, k = 2;
  const auto keys = testing::WriteDataset(d / "data.json", images, 0);
  std::vector<std::vector<float>> svd(steps, std::vector<float>(images * k));
  for (size_t s = 0; s < steps; ++s) {
    for (size_t i = 0; i < images; ++i) {
      const size_t base = i % 20;
      svd[s][i * k] = 1.f + 0.1f * base + 0.05f * s * (base % 3);
      svd[s][i * k + 1] = 0.5f + 0.01f * base * s;
    }
  }
  testing::WriteStore(d / "store", keys, images, svd, static_cast<int>(k));
  auto ds = data::DatasetIndex::Load(d / "data.json");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  SelectOptions o;
  o.trajectories = d / "store";
  o.budget = *Budget::Parse("10");
  o.clusters = 2;
  auto pairs_taken = [](const Selection& s) {
    std::set<size_t> base;
    for (size_t i : s.chosen) base.insert(i % 20);
    return s.chosen.size() - base.size();
  };
  auto sel = Select(*ds, o);
  ASSERT_TRUE(sel.ok()) << sel.status().message();
  EXPECT_EQ(sel->chosen.size(), 10u);
  EXPECT_EQ(pairs_taken(*sel), 0u);
  EXPECT_EQ(sel->details["duplicate_groups_merged_by_trajectory"], 20);
  o.within = Within::kStability;  // copies sit side by side in this order
  sel = Select(*ds, o);
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(pairs_taken(*sel), 0u);
  size_t skipped = 0;
  for (const auto& v : sel->visits) skipped += v.skipped;
  EXPECT_GT(skipped, 0u);
  o.dedup = Dedup::kNone;
  o.normalize = Normalize::kNone;
  sel = Select(*ds, o);
  ASSERT_TRUE(sel.ok());
  EXPECT_GT(pairs_taken(*sel), 0u);
}

}  // namespace
}  // namespace xmas::select
