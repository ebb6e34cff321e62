#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "xmas/traj/features.h"

namespace xmas::traj {
namespace {

TEST(Features, El2nMatchesNaiveDefinition) {
  torch::manual_seed(8);
  const int64_t B = 2, L = 6, V = 7;
  torch::Tensor logits = torch::randn({B, L, V}) * 3;
  torch::Tensor labels = torch::full({B, L}, model::kIgnoreIndex, torch::kInt64);
  labels[0][3] = 2, labels[0][4] = 5, labels[0][5] = 0;
  labels[1][1] = 6;
  std::vector<float> el2n;
  std::vector<uint8_t> valid;
  El2n(logits, labels, &el2n, &valid);
  for (int64_t b = 0; b < B; ++b) {
    double sum = 0;
    int n = 0;
    for (int64_t t = 1; t < L; ++t) {
      const int64_t y = labels[b][t].item<int64_t>();
      if (y == model::kIgnoreIndex) continue;
      torch::Tensor p = torch::softmax(logits[b][t - 1].to(torch::kFloat64), 0);
      double sq = 0;
      for (int64_t v = 0; v < V; ++v) {
        const double e = p[v].item<double>() - (v == y ? 1.0 : 0.0);
        sq += e * e;
      }
      sum += std::sqrt(sq);
      ++n;
    }
    EXPECT_EQ(valid[b], 1);
    EXPECT_NEAR(el2n[b], sum / n, 1e-5);
  }
  // No answer token: invalid, never a made-up number.
  labels.fill_(model::kIgnoreIndex);
  el2n.clear();
  valid.clear();
  El2n(logits, labels, &el2n, &valid);
  EXPECT_EQ(valid[0], 0);
  EXPECT_TRUE(std::isnan(el2n[0]));
}

TEST(Features, AnswerLossIsMeanTokenLoss) {
  model::ForwardOutput out;
  out.token_loss = torch::tensor({{0.0, 1.0, 3.0}, {0.0, 0.0, 0.0}});
  out.token_count = torch::tensor({2, 0}, torch::kInt64);
  std::vector<float> loss;
  std::vector<uint8_t> valid;
  AnswerLoss(out, &loss, &valid);
  EXPECT_FLOAT_EQ(loss[0], 2.0f);
  EXPECT_EQ(valid[1], 0);
}

TEST(Features, PooledEmbeddingParts) {
  torch::manual_seed(9);
  model::Batch batch;
  batch.input_ids = torch::zeros({2, 8}, torch::kInt64);
  batch.attention_mask = torch::ones({2, 8}, torch::kBool);
  batch.attention_mask[1].narrow(0, 5, 3).fill_(false);
  batch.image_begin = {1, -1};
  batch.image_end = {4, -1};
  torch::Tensor act = torch::randn({2, 8, 5});
  LayerParts p = PoolLayer(act, batch, 0);
  torch::Tensor img = torch::tanh(act[0].narrow(0, 1, 3).mean(0));
  EXPECT_TRUE(torch::allclose(p.image, img / img.norm()));
  torch::Tensor txt = torch::tanh(torch::cat({act[0].narrow(0, 0, 1), act[0].narrow(0, 4, 4)}).mean(0));
  EXPECT_TRUE(torch::allclose(p.text, txt / txt.norm()));
  // Text-only row: zero image part, text over the 5 real tokens only.
  LayerParts q = PoolLayer(act, batch, 1);
  EXPECT_EQ(q.image.abs().sum().item<float>(), 0.0f);
  torch::Tensor t1 = torch::tanh(act[1].narrow(0, 0, 5).mean(0));
  EXPECT_TRUE(torch::allclose(q.text, t1 / t1.norm()));
  torch::Tensor e = CombineEmbedding({p, q});
  EXPECT_EQ(e.numel(), 20);
  EXPECT_NEAR(e.norm().item<float>(), 1.0f, 1e-6);
}

}  // namespace
}  // namespace xmas::traj
