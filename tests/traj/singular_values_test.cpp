#include <gtest/gtest.h>
#include <torch/torch.h>

#include "xmas/traj/singular_values.h"

namespace xmas::traj {
namespace {

TEST(SingularValues, ExactMatchesLapackInDouble) {
  torch::manual_seed(5);
  for (auto [r, c] : std::vector<std::pair<int64_t, int64_t>>{{30, 16}, {7, 16}, {16, 16}, {200, 64}}) {
    torch::Tensor a = torch::rand({r, c});
    std::vector<double> got = TopSingularValues(a, 5, SvdMethod::kExact);
    torch::Tensor want = torch::linalg_svdvals(a.to(torch::kFloat64));
    ASSERT_EQ(got.size(), 5u);
    for (int i = 0; i < 5; ++i) {
      const double w = want[i].item<double>();
      EXPECT_NEAR(got[i], w, 1e-4 * w) << r << "x" << c << " sigma " << i;
      if (i) EXPECT_LE(got[i], got[i - 1]);
    }
  }
}

TEST(SingularValues, KnownSpectrum) {
  torch::manual_seed(6);
  torch::Tensor u = std::get<0>(torch::linalg_qr(torch::randn({40, 6}, torch::kFloat64)));
  torch::Tensor v = std::get<0>(torch::linalg_qr(torch::randn({12, 6}, torch::kFloat64)));
  torch::Tensor s = torch::tensor({9.0, 5.0, 3.0, 2.0, 1.0, 0.5}, torch::kFloat64);
  torch::Tensor a = torch::matmul(u * s, v.t()).to(torch::kFloat32);
  std::vector<double> got = TopSingularValues(a, 5, SvdMethod::kExact);
  const double want[] = {9, 5, 3, 2, 1};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(got[i], want[i], 1e-4 * want[i]);
}

TEST(SingularValues, PadsWithZerosAndHandlesEmpty) {
  torch::Tensor a = torch::ones({3, 2});
  std::vector<double> got = TopSingularValues(a, 5, SvdMethod::kExact);
  EXPECT_NEAR(got[0], std::sqrt(6.0), 1e-6);
  EXPECT_NEAR(got[1], 0.0, 1e-6);
  EXPECT_EQ(got[4], 0.0);
  EXPECT_EQ(TopSingularValues(torch::zeros({0, 16}), 3, SvdMethod::kExact),
            std::vector<double>(3, 0.0));
}

TEST(SingularValues, RandomizedIsExactOnLowRankAndSeeded) {
  torch::manual_seed(7);
  torch::Tensor a = torch::matmul(torch::randn({50, 4}), torch::randn({4, 16}));
  std::vector<double> exact = TopSingularValues(a, 5, SvdMethod::kExact);
  std::vector<double> approx = TopSingularValues(a, 5, SvdMethod::kRandomized, 3);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(approx[i], exact[i], 1e-6 * exact[0]);
  EXPECT_EQ(approx, TopSingularValues(a, 5, SvdMethod::kRandomized, 3));
  // Full rank: an under-estimate, close on the leading value.
  torch::Tensor b = torch::rand({60, 16});
  std::vector<double> e = TopSingularValues(b, 5, SvdMethod::kExact);
  std::vector<double> r = TopSingularValues(b, 5, SvdMethod::kRandomized, 1);
  EXPECT_NEAR(r[0], e[0], 1e-3 * e[0]);
  for (int i = 0; i < 5; ++i) EXPECT_LE(r[i], e[i] * (1 + 1e-9));
}

}  // namespace
}  // namespace xmas::traj
