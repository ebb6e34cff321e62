// The fast k-means engine's choice of assignment step and its stop rule:
// chosen by counted work (the same result on every run and thread count),
// and stopping on tie-heavy data where empty clusters keep being split.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "xmas/select/kmeans.h"
#include "xmas/select/kmeans_step.h"

namespace xmas::select {
namespace {

// Rows drawn from `distinct` shapes x 3 scales, rounded to 2 decimals, no
// noise: heavy exact duplicates (bench/gen_official_trajectories.py "ties").
std::vector<float> Ties(size_t n, size_t d, size_t distinct, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(1.f, 4.f);
  std::vector<float> shapes(distinct * d);
  for (auto& v : shapes) v = std::round(u(gen) * 10.f) / 10.f;
  std::vector<float> x(n * d);
  for (size_t i = 0; i < n; ++i) {
    const size_t s = gen() % distinct;
    const float scale = 0.5f + 0.5f * static_cast<float>(gen() % 3);
    for (size_t j = 0; j < d; ++j) x[i * d + j] = std::round(shapes[s * d + j] * scale * 100.f) / 100.f;
  }
  return x;
}

void ExpectSame(const KMeansResult& a, const KMeansResult& b, const char* what) {
  EXPECT_EQ(a.assignment, b.assignment) << what;
  EXPECT_EQ(a.centroids, b.centroids) << what;
  EXPECT_EQ(a.iterations_run, b.iterations_run) << what;
  EXPECT_EQ(a.exhaustive_iterations, b.exhaustive_iterations) << what;
  EXPECT_EQ(a.objective, b.objective) << what;
}

// 36 distinct rows for 60 clusters: clusters empty every iteration. The
// result, the steps taken included, is the same on every run and thread count.
TEST(KMeansSteps, TieHeavyDataGivesTheSameResultEveryRun) {
  const size_t n = 30000, d = 8;
  const auto x = Ties(n, d, 12, 7);
  KMeansOptions o;
  o.k = 60;
  o.max_points_per_centroid = 100;  // a training sample, and the final pass over every row
  o.threads = 2;
  auto first = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(first.ok()) << first.status().message();
  for (int run = 0; run < 3; ++run) {
    auto again = KMeans(x.data(), n, d, o);
    ASSERT_TRUE(again.ok());
    ExpectSame(*first, *again, "2 threads, again");
  }
  o.threads = 1;
  auto one = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(one.ok());
  ExpectSame(*first, *one, "1 thread");
}

// With a tolerance, iterations that only re-split clusters emptied by
// duplicates stop the loop after a few: not all 100 run.
TEST(KMeansSteps, SplitsOfDuplicatesDoNotRunEveryIteration) {
  const size_t n = 20000, d = 8;
  const auto x = Ties(n, d, 12, 3);
  KMeansOptions o;
  o.k = 60;
  auto r = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->iterations_run, 30);
  o.tolerance = 0;  // without one, every iteration runs (each splits)
  auto all = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->iterations_run, 100);
  EXPECT_LE(r->objective, all->objective * 1.01 + 1e-9);  // stopping early loses nothing
}

TEST(KMeansSteps, ChooserFollowsThePricesAndBacksOffProbes) {
  StepChooser chooser(100.0);
  EXPECT_FALSE(chooser.UsePruned(0));  // no bounds yet
  chooser.RecordExhaustive();
  EXPECT_TRUE(chooser.UsePruned(1));   // never priced: try it
  chooser.RecordPruned(1, 50.0);
  EXPECT_TRUE(chooser.UsePruned(2));   // cheaper: keep it
  chooser.RecordPruned(2, 150.0);
  EXPECT_TRUE(chooser.PrefersExhaustive());
  int probes = 0, last = 2, gaps[3] = {0, 0, 0};
  for (int it = 3; it < 40 && probes < 3; ++it) {
    if (!chooser.UsePruned(it)) {
      chooser.RecordExhaustive();
      continue;
    }
    gaps[probes++] = it - last;
    last = it;
    chooser.RecordPruned(it, 150.0);  // still dearer
  }
  EXPECT_EQ(gaps[0], 4);
  EXPECT_EQ(gaps[1], 8);
  EXPECT_EQ(gaps[2], 16);
  chooser.RecordPruned(40, 10.0);
  EXPECT_FALSE(chooser.PrefersExhaustive());
  EXPECT_TRUE(chooser.UsePruned(41));
}

TEST(KMeansSteps, PricesGrowWithTheWork) {
  const StepCosts costs;
  EXPECT_LT(costs.Exhaustive(1000, 100, 8), costs.Exhaustive(1000, 200, 8));
  PrunedWork few{1000, 2000, 0}, many{1000, 2000, 50};
  EXPECT_LT(costs.Pruned(few, 100, 8), costs.Pruned(many, 100, 8));
  // Points that all scan every centroid cost more than the exhaustive pass.
  PrunedWork all{1000, 3000, 1000};  // its own centroid, then a scan and the re-rank
  EXPECT_GT(costs.Pruned(all, 100, 8), costs.Exhaustive(1000, 100, 8));
}

}  // namespace
}  // namespace xmas::select
