// The paired bootstrap (paired_bootstrap.h): hand-computed cases, the
// verdict rule, and agreement with a NumPy reference on a generated case.
#include "xmas/eval/paired_bootstrap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "xmas/util/atomic_file.h"

namespace xmas::eval {
namespace {
using nlohmann::json;

TEST(Quantile, MatchesNumpyLinearInterpolation) {
  // numpy.percentile([4, 1, 3, 2], [0, 25, 50, 97.5, 100]) = 1, 1.75, 2.5, 3.925, 4
  const std::vector<double> v = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(Quantile(v, 0), 1);
  EXPECT_DOUBLE_EQ(Quantile(v, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(Quantile(v, 0.5), 2.5);
  EXPECT_NEAR(Quantile(v, 0.975), 3.925, 1e-12);
  EXPECT_DOUBLE_EQ(Quantile(v, 1), 4);
  EXPECT_DOUBLE_EQ(Quantile({7}, 0.3), 7);
}

TEST(PairedBootstrap, HandComputedCases) {
  // Every question 1 point better: every resampled mean is 1.
  auto same = PairedBootstrap({1, 1, 0, 1}, {0, 0, -1, 0});
  ASSERT_TRUE(same.ok());
  EXPECT_DOUBLE_EQ(same->mean_difference, 1);
  EXPECT_DOUBLE_EQ(same->low, 1);
  EXPECT_DOUBLE_EQ(same->high, 1);
  // Two questions, differences 0 and 1: a resampled mean is 0, 1/2 or 1 with
  // probabilities 1/4, 1/2, 1/4, so with 10,000 resamples the 2.5th and
  // 97.5th percentiles are 0 and 1 (a quarter of the means sit at each end).
  auto two = PairedBootstrap({0, 1}, {0, 0}, {10000, 0.95, 3});
  ASSERT_TRUE(two.ok());
  EXPECT_DOUBLE_EQ(two->mean_difference, 0.5);
  EXPECT_DOUBLE_EQ(two->low, 0);
  EXPECT_DOUBLE_EQ(two->high, 1);
  // At 40% confidence the 30th and 70th percentiles are both 1/2.
  auto narrow = PairedBootstrap({0, 1}, {0, 0}, {10000, 0.4, 3});
  EXPECT_DOUBLE_EQ(narrow->low, 0.5);
  EXPECT_DOUBLE_EQ(narrow->high, 0.5);
}

TEST(PairedBootstrap, PairingMatters) {
  // The method is the baseline plus 0.05 on every question; unpaired, the
  // spread of the scores themselves (0 or 1) would swamp the difference.
  std::vector<double> base, method;
  for (int i = 0; i < 200; ++i) {
    base.push_back(i % 2);
    method.push_back(i % 2 + 0.05);
  }
  auto r = PairedBootstrap(method, base);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->low, 0.05, 1e-12);
  EXPECT_NEAR(r->high, 0.05, 1e-12);
}

TEST(PairedBootstrap, DeterministicForASeedAndBadInputRejected) {
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back((i * 7) % 3 == 0);
    b.push_back((i * 5) % 4 == 0);
  }
  auto x = PairedBootstrap(a, b, {2000, 0.95, 11}), y = PairedBootstrap(a, b, {2000, 0.95, 11});
  auto z = PairedBootstrap(a, b, {2000, 0.95, 12});
  ASSERT_TRUE(x.ok() && y.ok() && z.ok());
  EXPECT_EQ(x->low, y->low);
  EXPECT_EQ(x->high, y->high);
  EXPECT_TRUE(x->low != z->low || x->high != z->high);
  EXPECT_LT(x->low, x->mean_difference);
  EXPECT_GT(x->high, x->mean_difference);
  EXPECT_EQ(PairedBootstrap({}, {}).status().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(PairedBootstrap({1, 2}, {1}).status().code(), Status::Code::kInvalidInput);
  auto nan = PairedBootstrap({1, std::nan("")}, {1, 1});
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("question 1"), std::string::npos);
  EXPECT_EQ(PairedBootstrap({1}, {1}, {0, 0.95, 0}).status().code(), Status::Code::kUsage);
  EXPECT_EQ(PairedBootstrap({1}, {1}, {10, 1.0, 0}).status().code(), Status::Code::kUsage);
}

TEST(CompareToRandom, BetterOrWorseOnlyWhenEverySeedExcludesZero) {
  const PairedInterval up{200, 0.1, 0.02, 0.18}, down{200, -0.1, -0.18, -0.02}, spans{200, 0.05, -0.01, 0.11};
  EXPECT_EQ(CompareToRandom({up, up, up}), Verdict::kBetter);
  EXPECT_EQ(CompareToRandom({down, down}), Verdict::kWorse);
  EXPECT_EQ(CompareToRandom({up, spans, up}), Verdict::kTie);
  EXPECT_EQ(CompareToRandom({up, down}), Verdict::kTie);
  EXPECT_EQ(CompareToRandom({}), Verdict::kTie);
  const PairedInterval touches{200, 0.1, 0.0, 0.2};  // 0 is not excluded
  EXPECT_EQ(CompareToRandom({touches}), Verdict::kTie);
  EXPECT_STREQ(VerdictName(Verdict::kBetter), "better");
  EXPECT_STREQ(VerdictName(Verdict::kTie), "tie");
}

TEST(PairedBootstrap, AgreesWithNumpyReference) {
  // A generated case like a benchmark: 250 questions, 0/1 and token-F1 scores.
  std::vector<double> method, baseline;
  uint64_t x = 42;
  auto next = [&x] { return (x = x * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  for (int i = 0; i < 250; ++i) {
    method.push_back(i % 5 == 4 ? (next() % 1000) / 1000.0 : static_cast<double>(next() % 100 < 55));
    baseline.push_back(i % 5 == 4 ? (next() % 1000) / 1000.0 : static_cast<double>(next() % 100 < 45));
  }
  const BootstrapOptions o{1000, 0.95, 20261203};
  auto ours = PairedBootstrap(method, baseline, o);
  ASSERT_TRUE(ours.ok());
  const std::string dir = ::testing::TempDir() + "/xmas_bootstrap_" + std::to_string(::getpid());
  const std::string in = dir + ".in.json", out = dir + ".out.json";
  json c = {{"method", method}, {"baseline", baseline}, {"resamples", o.resamples},
            {"confidence", o.confidence}, {"seed", o.seed}};
  ASSERT_TRUE(WriteFileAtomic(in, c.dump()).ok());
  // Debian's interpreter, where python3-numpy installs (a python3 earlier on
  // PATH, e.g. pyenv's, may lack NumPy).
  const std::string cmd = "/usr/bin/python3 eval_core/bootstrap_reference.py '" + in + "' > '" + out + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << " (needs python3-numpy, scripts/setup.sh)";
  const json ref = json::parse(ReadFile(out).value());
  std::remove(in.c_str());
  std::remove(out.c_str());
  EXPECT_NEAR(ours->mean_difference, ref["mean_difference"].get<double>(), 1e-12);
  EXPECT_NEAR(ours->low, ref["low"].get<double>(), 1e-12);
  EXPECT_NEAR(ours->high, ref["high"].get<double>(), 1e-12);
  EXPECT_LT(ours->low, ours->high);
}

}  // namespace
}  // namespace xmas::eval
