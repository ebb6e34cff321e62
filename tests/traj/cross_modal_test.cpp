// The two cross-modal matrices against plain loop re-implementations of
// docs/method.md §3 and §4 on the same q/k tensors.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "xmas/traj/cross_modal.h"

namespace xmas::traj {
namespace {

// docs/method.md §3 written plainly: S = softmax_rows(K Qᵀ/√D) over all L positions, no
// masks; rows image_end..L-1, columns image_begin..image_end-1. K is widened
// to Q's width as the authors' torch.repeat_interleave(k, H/Hkv, dim=-1):
// widened column x holds key feature x / (H/Hkv).
std::vector<std::vector<double>> NaiveOfficial(const torch::Tensor& qp, const torch::Tensor& kp,
                                               int64_t heads, int64_t kv_heads, int64_t ib,
                                               int64_t ie) {
  const int64_t L = qp.size(0), D = qp.size(1), group = heads / kv_heads;
  auto q = qp.accessor<float, 2>();
  auto k = kp.accessor<float, 2>();
  auto kw = [&](int64_t pos, int64_t col) { return double(k[pos][col / group]); };  // widened K
  std::vector<std::vector<double>> out;
  for (int64_t r = ie; r < L; ++r) {
    std::vector<double> logits(L);
    double mx = -1e300;
    for (int64_t c = 0; c < L; ++c) {
      double s = 0;
      for (int64_t x = 0; x < D; ++x) s += kw(r, x) * double(q[c][x]);
      logits[c] = s / std::sqrt(double(D));
      mx = std::max(mx, logits[c]);
    }
    double z = 0;
    for (int64_t c = 0; c < L; ++c) z += std::exp(logits[c] - mx);
    std::vector<double> row;
    for (int64_t c = ib; c < ie; ++c) row.push_back(std::exp(logits[c] - mx) / z);
    out.push_back(row);
  }
  return out;
}

// docs/method.md §4 written plainly: per head, causal softmax over keys 0..r of the
// real tokens, averaged over heads; rows image_end..length-1.
std::vector<std::vector<double>> NaiveAttention(const torch::Tensor& qt, const torch::Tensor& kt,
                                                int64_t ib, int64_t ie, int64_t length) {
  const int64_t H = qt.size(0), Hkv = kt.size(0), d = qt.size(2);
  auto q = qt.accessor<float, 3>();
  auto k = kt.accessor<float, 3>();
  std::vector<std::vector<double>> out(length - ie, std::vector<double>(ie - ib, 0.0));
  for (int64_t h = 0; h < H; ++h) {
    const int64_t kh = h / (H / Hkv);
    for (int64_t r = ie; r < length; ++r) {
      std::vector<double> logits(r + 1);
      double mx = -1e300;
      for (int64_t c = 0; c <= r; ++c) {
        double s = 0;
        for (int64_t x = 0; x < d; ++x) s += double(q[h][r][x]) * double(k[kh][c][x]);
        logits[c] = s / std::sqrt(double(d));
        mx = std::max(mx, logits[c]);
      }
      double z = 0;
      for (double l : logits) z += std::exp(l - mx);
      for (int64_t c = ib; c < ie; ++c) out[r - ie][c - ib] += std::exp(logits[c] - mx) / z / H;
    }
  }
  return out;
}

void ExpectClose(const torch::Tensor& got, const std::vector<std::vector<double>>& want) {
  ASSERT_EQ(got.size(0), static_cast<int64_t>(want.size()));
  auto g = got.accessor<float, 2>();
  for (size_t r = 0; r < want.size(); ++r) {
    ASSERT_EQ(got.size(1), static_cast<int64_t>(want[r].size()));
    for (size_t c = 0; c < want[r].size(); ++c) {
      EXPECT_NEAR(g[r][c], want[r][c], 1e-5 + 1e-4 * std::abs(want[r][c])) << r << "," << c;
    }
  }
}

TEST(CrossModal, OfficialMatchesNaiveLoops) {
  torch::manual_seed(1);
  for (auto [heads, kv] : std::vector<std::pair<int64_t, int64_t>>{{4, 4}, {4, 2}}) {
    const int64_t L = 14, d = 8;
    torch::Tensor q = torch::randn({L, heads * d});
    torch::Tensor k = torch::randn({L, kv * d});
    ExampleSpan span{2, 7, 11, L};  // 3 padding positions: official mode keeps them
    torch::Tensor got = OfficialCrossModal(q, k, heads, kv, span);
    ExpectClose(got, NaiveOfficial(q, k, heads, kv, 2, 7));
  }
}

// The authors' widening on a case small enough to write out: Hkv = 1,
// H = 2, d = 2, so key features [a, b] become [a, a, b, b] (repeat_interleave),
// not [a, b, a, b] (repeating the whole head, as the model's repeat_kv does).
TEST(CrossModal, OfficialWidensKeysFeatureByFeature) {
  torch::Tensor q = torch::tensor({{1.f, 0.f, 0.f, 0.f}, {0.f, 0.f, 1.f, 0.f}, {0.f, 0.f, 0.f, 0.f}});
  torch::Tensor k = torch::tensor({{0.f, 0.f}, {0.f, 0.f}, {3.f, 0.f}});  // row 2: a = 3, b = 0
  ExampleSpan span{0, 2, 3, 3};
  torch::Tensor got = OfficialCrossModal(q, k, 2, 1, span);
  // Widened key row 2 = [3, 3, 0, 0]: logits against q rows 0, 1, 2 are 3/2, 0, 0.
  const double z = std::exp(1.5) + 2.0;
  ASSERT_EQ(got.size(0), 1);
  EXPECT_NEAR(got[0][0].item<double>(), std::exp(1.5) / z, 1e-6);
  EXPECT_NEAR(got[0][1].item<double>(), 1.0 / z, 1e-6);
}

TEST(CrossModal, AttentionMatchesNaiveLoops) {
  torch::manual_seed(2);
  for (auto [heads, kv] : std::vector<std::pair<int64_t, int64_t>>{{4, 4}, {4, 2}, {6, 1}}) {
    const int64_t L = 15, d = 8;
    torch::Tensor q = torch::randn({heads, L, d}) * 2;
    torch::Tensor k = torch::randn({kv, L, d}) * 2;
    ExampleSpan span{3, 8, 12, L};
    torch::Tensor got = AttentionCrossModal(q, k, span);
    ExpectClose(got, NaiveAttention(q, k, 3, 8, 12));
  }
}

TEST(CrossModal, AttentionIgnoresPadding) {
  torch::manual_seed(3);
  torch::Tensor q = torch::randn({4, 12, 8}), k = torch::randn({2, 12, 8});
  ExampleSpan span{1, 5, 10, 12};
  torch::Tensor a = AttentionCrossModal(q, k, span);
  // Different padding content and a longer padded batch: same values.
  torch::Tensor q2 = torch::cat({q.narrow(1, 0, 10), torch::randn({4, 7, 8}) * 50}, 1);
  torch::Tensor k2 = torch::cat({k.narrow(1, 0, 10), torch::randn({2, 7, 8}) * 50}, 1);
  span.padded_length = 17;
  torch::Tensor b = AttentionCrossModal(q2, k2, span);
  EXPECT_TRUE(torch::equal(a, b));
  // Official mode, by design (docs/method.md §3 defect 3), does depend on padding.
  torch::Tensor qp = torch::randn({12, 32}), kp = torch::randn({12, 16});
  torch::Tensor qp2 = torch::cat({qp.narrow(0, 0, 10), torch::randn({7, 32})}, 0);
  torch::Tensor kp2 = torch::cat({kp.narrow(0, 0, 10), torch::randn({7, 16})}, 0);
  ExampleSpan s1{1, 5, 10, 12}, s2{1, 5, 10, 17};
  torch::Tensor o1 = OfficialCrossModal(qp, kp, 4, 2, s1), o2 = OfficialCrossModal(qp2, kp2, 4, 2, s2);
  EXPECT_EQ(o1.size(0), 12 - 5);  // padding rows included
  EXPECT_EQ(o2.size(0), 17 - 5);
  EXPECT_FALSE(torch::allclose(o1.narrow(0, 0, 5), o2.narrow(0, 0, 5)));
}

TEST(CrossModal, RowsAreProbabilities) {
  torch::manual_seed(4);
  torch::Tensor q = torch::randn({2, 9, 4}), k = torch::randn({2, 9, 4});
  torch::Tensor m = AttentionCrossModal(q, k, ExampleSpan{0, 4, 9, 9});
  EXPECT_EQ(m.size(0), 5);
  EXPECT_EQ(m.size(1), 4);
  EXPECT_TRUE((m >= 0).all().item<bool>());
  EXPECT_TRUE((m.sum(1) <= 1 + 1e-6).all().item<bool>());
  // No text after the image: an empty matrix, not garbage.
  EXPECT_EQ(AttentionCrossModal(q, k, ExampleSpan{0, 4, 4, 9}).size(0), 0);
}

TEST(CrossModal, ParseMode) {
  EXPECT_EQ(*ParseCrossModalMode("official"), CrossModalMode::kOfficial);
  EXPECT_EQ(ParseCrossModalMode("x").status().code(), Status::Code::kUsage);
}

}  // namespace
}  // namespace xmas::traj
