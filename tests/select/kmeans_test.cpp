// The fast k-means engine: exact nearest-centroid assignment, planted
// clusters recovered, determinism across seeds and threads.
#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include <faiss/utils/random.h>

#include "xmas/select/kmeans.h"
#include "xmas/select/kmeans_exhaustive.h"
#include "xmas/select/kmeans_fast.h"
#include "xmas/select/rng.h"

namespace xmas::select {
namespace {

std::vector<float> Uniform(size_t n, size_t d, unsigned seed) {
  std::mt19937 gen(seed);
  std::vector<float> x(n * d);
  for (auto& v : x) v = static_cast<float>(gen() % 100000) / 1000.f;
  return x;
}

float Dist2(const float* a, const float* b, size_t d) {
  float s = 0;
  for (size_t j = 0; j < d; ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

TEST(FastKMeans, EveryRowEndsAtItsNearestCentroid) {
  const size_t n = 4000, d = 8;
  const auto x = Uniform(n, d, 3);
  for (int max_pp : {256, 20}) {  // all rows train / a sample trains
    KMeansOptions o;
    o.k = 60;
    o.iterations = 30;
    o.max_points_per_centroid = max_pp;
    auto r = KMeans(x.data(), n, d, o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i) {
      const float mine = Dist2(&x[i * d], &r->centroids[r->assignment[i] * d], d);
      for (int c = 0; c < o.k; ++c) {
        if (Dist2(&x[i * d], &r->centroids[c * d], d) < mine * (1 - 1e-5f)) {
          ++wrong;
          break;
        }
      }
    }
    EXPECT_EQ(wrong, 0u) << "max_points_per_centroid " << max_pp;
  }
}

TEST(FastKMeans, DeterministicAcrossThreadsAndFollowsTheSeed) {
  const size_t per = 200, d = 4, k = 5;
  std::mt19937 gen(11);
  std::normal_distribution<float> noise(0.f, 0.1f);
  std::vector<float> x;
  for (size_t c = 0; c < k; ++c) {
    for (size_t i = 0; i < per; ++i) {
      for (size_t j = 0; j < d; ++j) x.push_back(static_cast<float>(10 * c * (j + 1)) + noise(gen));
    }
  }
  KMeansOptions o;
  o.k = k;
  o.seed = 5;
  o.threads = 1;
  auto a = KMeans(x.data(), per * k, d, o);
  o.threads = 2;
  auto b = KMeans(x.data(), per * k, d, o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->assignment, b->assignment);
  EXPECT_EQ(a->centroids, b->centroids);
  EXPECT_LT(a->iterations_run, 100);  // converged and stopped early
  o.seed = 6;
  EXPECT_NE(KMeans(x.data(), per * k, d, o)->centroids, a->centroids);
}

// Plain Lloyd from the same initial centroids as the engine and FAISS (the
// first k of faiss::rand_perm(n, seed + 1); n is below 256 k, so every row
// trains), for `iterations` updates; returns the final assignment and, per
// iteration, the objective of its assignment step.
std::vector<int32_t> PlainLloyd(const std::vector<float>& x, size_t n, size_t d, size_t k, uint64_t seed,
                                int iterations, std::vector<double>* objectives) {
  std::vector<int> init(n);
  faiss::rand_perm(init.data(), n, static_cast<int64_t>(seed) + 1);
  std::vector<float> c(k * d);
  for (size_t j = 0; j < k; ++j) std::copy(&x[init[j] * d], &x[init[j] * d] + d, &c[j * d]);
  std::vector<int32_t> a(n);
  for (int it = 0; it <= iterations; ++it) {
    NearestCentroids(x.data(), n, d, c.data(), k, a.data());
    if (it == iterations) break;
    std::vector<double> sum(k * d, 0.0);
    std::vector<size_t> count(k, 0);
    double objective = 0;
    for (size_t i = 0; i < n; ++i) {
      ++count[a[i]];
      for (size_t j = 0; j < d; ++j) {
        const double t = static_cast<double>(x[i * d + j]) - c[a[i] * d + j];
        objective += t * t;
        sum[a[i] * d + j] += x[i * d + j];
      }
    }
    objectives->push_back(objective);
    for (size_t j = 0; j < k; ++j) {
      EXPECT_GT(count[j], 0u) << "an empty cluster: pick another seed for this test";
      for (size_t t = 0; t < d; ++t) c[j * d + t] = static_cast<float>(sum[j * d + t] / count[j]);
    }
  }
  return a;
}

// The accelerated engine must make the same assignments as plain Lloyd.
TEST(FastKMeans, SameAsPlainLloyd) {
  const size_t n = 1500, d = 8, k = 30;
  const auto x = Uniform(n, d, 9);
  KMeansOptions o;
  o.k = static_cast<int>(k);
  o.iterations = 12;
  o.tolerance = 0;
  o.seed = 77;
  auto fast = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(fast.ok());
  std::vector<double> objectives;
  EXPECT_EQ(fast->assignment, PlainLloyd(x, n, d, k, o.seed, o.iterations, &objectives));
}

// With a tolerance it stops after the first iteration that improves the
// objective by at most that fraction, and is then plain Lloyd stopped there.
TEST(FastKMeans, ToleranceStopsAtTheFirstSmallImprovement) {
  const size_t n = 1500, d = 8, k = 30;
  const auto x = Uniform(n, d, 9);
  KMeansOptions o;
  o.k = static_cast<int>(k);
  o.seed = 77;
  o.tolerance = 0.01;
  auto fast = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(fast.ok());
  std::vector<double> objectives;
  PlainLloyd(x, n, d, k, o.seed, 100, &objectives);
  int expected = 0;
  for (size_t it = 1; it < objectives.size() && expected == 0; ++it) {
    if (objectives[it - 1] - objectives[it] <= o.tolerance * objectives[it - 1]) expected = static_cast<int>(it) + 1;
  }
  ASSERT_GT(expected, 2);
  EXPECT_EQ(fast->iterations_run, expected);
  EXPECT_EQ(fast->assignment, PlainLloyd(x, n, d, k, o.seed, expected, &objectives));
  o.tolerance = 0;
  auto full = KMeans(x.data(), n, d, o);
  ASSERT_TRUE(full.ok());
  EXPECT_GT(full->iterations_run, expected);
  EXPECT_LE(full->objective, fast->objective);
}

// The exhaustive two-nearest pass against a double-precision scan: the same
// two centroids (ties to the lower index) and distances within rounding, on
// the vector path (d <= 64, k not a multiple of 8), the portable one
// (d = 70), k = 1, and duplicated centroids (exact ties).
TEST(FastKMeans, NearestTwoMatchesAPlainScan) {
  struct Case {
    size_t n, d, k;
    bool duplicates;
  };
  for (const Case& c : {Case{300, 8, 37, false}, Case{200, 3, 8, true}, Case{100, 70, 13, false},
                        Case{50, 5, 1, false}}) {
    const auto x = Uniform(c.n, c.d, 3);
    auto centroids = Uniform(c.k, c.d, 4);
    if (c.duplicates) std::copy(centroids.begin(), centroids.begin() + c.d, centroids.begin() + 5 * c.d);
    std::vector<TwoNearest> two(c.n);
    NearestTwo(x.data(), c.n, c.d, centroids.data(), c.k, two.data());
    for (size_t i = 0; i < c.n; ++i) {
      std::vector<std::pair<double, int32_t>> all;
      for (size_t j = 0; j < c.k; ++j) {
        double s = 0;
        for (size_t t = 0; t < c.d; ++t) s += std::pow(double{x[i * c.d + t]} - centroids[j * c.d + t], 2);
        all.push_back({s, static_cast<int32_t>(j)});
      }
      std::sort(all.begin(), all.end());
      EXPECT_EQ(two[i].first, all[0].second) << "row " << i;
      EXPECT_NEAR(two[i].first_d2, all[0].first, 1e-5 * all[0].first + 1e-30);
      if (c.k == 1) {
        EXPECT_EQ(two[i].second, -1);
        continue;
      }
      EXPECT_EQ(two[i].second, all[1].second) << "row " << i;
      EXPECT_NEAR(two[i].second_d2, all[1].first, 1e-5 * all[1].first + 1e-30);
    }
  }
}

TEST(FastKMeans, TooFewPointsIsAnError) {
  std::vector<float> x(10, 1.f);
  KMeansOptions o;
  o.k = 20;
  auto r = KMeans(x.data(), 10, 1, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--clusters"), std::string::npos);
  EXPECT_EQ(DefaultClusterCount(665000), 1000);
  EXPECT_EQ(DefaultClusterCount(12000), 18);
  EXPECT_EQ(DefaultClusterCount(5), 1);
  EXPECT_EQ(DefaultClusterCount(10000000), 1000);
}

TEST(FastKMeans, NearestCentroidsBreaksTiesLow) {
  const std::vector<float> c = {0, 0, 2, 0, 1, 0};  // 3 centroids in 2-D
  const std::vector<float> x = {1, 0, 0.1f, 0, 1.9f, 0};
  int32_t out[3];
  NearestCentroids(x.data(), 3, 2, c.data(), 3, out);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], 0);
  EXPECT_EQ(out[2], 1);
}

}  // namespace
}  // namespace xmas::select
