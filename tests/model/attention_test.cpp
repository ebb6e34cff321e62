// Attention, RoPE and GQA against plainly written reference computations.
#include <cmath>

#include "test_util.h"
#include "xmas/model/layers.h"

namespace xmas::model {
namespace {

using testing::MakeBatch;
using testing::MakeModel;
using testing::MaxDiff;
using testing::MicroConfig;

torch::Tensor Param(Model& m, const std::string& name) {
  for (const auto& p : m.named_parameters()) {
    if (p.key() == name) return p.value().detach();
  }
  ADD_FAILURE() << "no parameter " << name;
  return {};
}

TEST(RopeTest, MatchesHandComputedRotation) {
  // head_dim 4, theta 10000: inv_freq = [1, 1/100]; position 1.
  RopeTables rope = MakeRope(1, 1, 4, 10000.0, torch::kCPU, torch::kFloat32);
  torch::Tensor x = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 1, 1, 4});
  torch::Tensor y = ApplyRope(x, rope).view({4});
  const double a = 1.0, b = 0.01;
  const double want[4] = {1 * std::cos(a) - 3 * std::sin(a), 2 * std::cos(b) - 4 * std::sin(b),
                          3 * std::cos(a) + 1 * std::sin(a), 4 * std::cos(b) + 2 * std::sin(b)};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y[i].item<double>(), want[i], 1e-6) << i;
  // Position 0 is the identity.
  RopeTables zero = MakeRope(0, 1, 4, 10000.0, torch::kCPU, torch::kFloat32);
  EXPECT_LT(MaxDiff(ApplyRope(x, zero), x), 1e-7);
}

TEST(RopeTest, DotProductDependsOnlyOnRelativePosition) {
  torch::manual_seed(3);
  torch::Tensor q = torch::randn({1, 1, 1, 8}), k = torch::randn({1, 1, 1, 8});
  auto rotated_dot = [&](int64_t m, int64_t n) {
    auto rq = ApplyRope(q, MakeRope(m, 1, 8, 100.0, torch::kCPU, torch::kFloat32));
    auto rk = ApplyRope(k, MakeRope(n, 1, 8, 100.0, torch::kCPU, torch::kFloat32));
    return (rq * rk).sum().item<double>();
  };
  EXPECT_NEAR(rotated_dot(5, 2), rotated_dot(13, 10), 1e-4);
  EXPECT_GT(std::abs(rotated_dot(5, 2) - rotated_dot(5, 4)), 1e-4);
}

TEST(GqaTest, QueryHeadReadsKeyHeadDividedByGroupSize) {
  torch::Tensor kv = torch::stack({torch::full({3, 2}, 10.f), torch::full({3, 2}, 20.f)}).unsqueeze(0);  // [1,2,3,2]
  torch::Tensor r = RepeatKv(kv, 3);
  ASSERT_EQ(r.sizes(), (std::vector<int64_t>{1, 6, 3, 2}));
  const float want[6] = {10, 10, 10, 20, 20, 20};
  for (int h = 0; h < 6; ++h) EXPECT_EQ(r[0][h][0][0].item<float>(), want[h]) << h;
}

TEST(GqaTest, ProjectionWidthsFollowKeyValueHeads) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  EXPECT_EQ(Param(*m, "language_model.model.layers.0.self_attn.k_proj.weight").sizes(),
            (std::vector<int64_t>{2 * 8, 32}));
  EXPECT_EQ(Param(*m, "language_model.model.layers.0.self_attn.q_proj.weight").sizes(),
            (std::vector<int64_t>{4 * 8, 32}));
}

// Layer-1 attention of a padded batch, recomputed from layer 0's output with
// loops: RMSNorm, q/k projections, RoPE, causal + padding mask, softmax.
TEST(AttentionTest, ProbabilitiesMatchNaiveReference) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{12, 1}, {9, -1}});
  ForwardOptions opts;
  opts.capture_layers = {0, 1};
  opts.capture_hidden = true;
  opts.capture_qk = true;
  opts.capture_attention = true;
  auto out = m->Forward(batch, opts);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const torch::Tensor x = out->layers[0].hidden.detach().to(torch::kDouble);
  const torch::Tensor probs = out->layers[1].attention.detach();
  const torch::Tensor norm_w = Param(*m, "language_model.model.layers.1.input_layernorm.weight").to(torch::kDouble);
  const torch::Tensor wq = Param(*m, "language_model.model.layers.1.self_attn.q_proj.weight").to(torch::kDouble);
  const torch::Tensor wk = Param(*m, "language_model.model.layers.1.self_attn.k_proj.weight").to(torch::kDouble);
  const int64_t heads = 4, kv_heads = 2, d = 8, dim = 32, len_max = batch.seq_len();
  auto xa = x.accessor<double, 3>();
  auto nw = norm_w.accessor<double, 1>();
  auto wqa = wq.accessor<double, 2>();
  auto wka = wk.accessor<double, 2>();
  for (int64_t b = 0; b < 2; ++b) {
    const int64_t len = batch.length(b);
    std::vector<std::vector<double>> q(len, std::vector<double>(heads * d)), k(len, std::vector<double>(kv_heads * d));
    for (int64_t t = 0; t < len; ++t) {
      double ms = 0;
      for (int64_t e = 0; e < dim; ++e) ms += xa[b][t][e] * xa[b][t][e] / dim;
      std::vector<double> n(dim);
      for (int64_t e = 0; e < dim; ++e) n[e] = xa[b][t][e] / std::sqrt(ms + c.text.rms_norm_eps) * nw[e];
      for (int64_t o = 0; o < heads * d; ++o) {
        for (int64_t e = 0; e < dim; ++e) q[t][o] += wqa[o][e] * n[e];
      }
      for (int64_t o = 0; o < kv_heads * d; ++o) {
        for (int64_t e = 0; e < dim; ++e) k[t][o] += wka[o][e] * n[e];
      }
      auto rope = [&](std::vector<double>& v, int64_t nh) {
        for (int64_t h = 0; h < nh; ++h) {
          for (int64_t i = 0; i < d / 2; ++i) {
            const double angle = t * std::pow(c.text.rope_theta, -2.0 * i / d);
            const double lo = v[h * d + i], hi = v[h * d + i + d / 2];
            v[h * d + i] = lo * std::cos(angle) - hi * std::sin(angle);
            v[h * d + i + d / 2] = hi * std::cos(angle) + lo * std::sin(angle);
          }
        }
      };
      rope(q[t], heads);
      rope(k[t], kv_heads);
    }
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t g = h / (heads / kv_heads);
      for (int64_t i = 0; i < len; ++i) {
        std::vector<double> s(i + 1);
        double mx = -1e300, z = 0;
        for (int64_t j = 0; j <= i; ++j) {
          for (int64_t e = 0; e < d; ++e) s[j] += q[i][h * d + e] * k[j][g * d + e];
          s[j] /= std::sqrt(static_cast<double>(d));
          mx = std::max(mx, s[j]);
        }
        for (int64_t j = 0; j <= i; ++j) z += std::exp(s[j] - mx);
        for (int64_t j = 0; j < len_max; ++j) {
          const double want = j <= i ? std::exp(s[j] - mx) / z : 0.0;
          ASSERT_NEAR(probs[b][h][i][j].item<double>(), want, 2e-5) << "b" << b << " h" << h << " i" << i << " j" << j;
        }
      }
    }
    // The captured projections are the pre-RoPE q (not split into heads).
    const torch::Tensor q_proj = out->layers[1].q_proj.detach();
    EXPECT_EQ(q_proj.sizes(), (std::vector<int64_t>{2, len_max, heads * d}));
    EXPECT_EQ(out->layers[1].q.sizes(), (std::vector<int64_t>{2, heads, len_max, d}));
    EXPECT_EQ(out->layers[1].k.sizes(), (std::vector<int64_t>{2, kv_heads, len_max, d}));
    for (int64_t e = 0; e < heads * d; ++e) {
      EXPECT_NEAR(out->layers[1].q[b][e / d][len - 1][e % d].item<double>(), q[len - 1][e], 2e-5);
    }
  }
}

// One CLIP encoder layer written out with plain tensor operations.
TEST(VisionTest, EncoderLayerAndEmbeddingsMatchReference) {
  ModelConfig c0 = MicroConfig();
  c0.vision_feature_layer = 0;
  c0.vision_feature_select_strategy = "full";
  ModelConfig c1 = c0;
  c1.vision_feature_layer = 1;
  auto m0 = MakeModel(c0, 11), m1 = MakeModel(c1, 11);
  torch::manual_seed(5);
  torch::Tensor img = torch::randn({2, 3, 16, 16});
  auto h0 = m0->EncodeVision(img);
  auto h1 = m1->EncodeVision(img);
  ASSERT_TRUE(h0.ok() && h1.ok());
  ASSERT_EQ(h0->sizes(), (std::vector<int64_t>{2, 5, 32}));
  auto P = [&](const std::string& n) { return Param(*m0, "vision_tower.vision_model." + n); };
  // Embeddings: class token + patch projections (conv = per-patch dot product) + positions.
  torch::Tensor w = P("embeddings.patch_embedding.weight");  // [32, 3, 8, 8]
  std::vector<torch::Tensor> tokens = {P("embeddings.class_embedding").expand({2, 32})};
  for (int64_t gy = 0; gy < 2; ++gy) {
    for (int64_t gx = 0; gx < 2; ++gx) {
      torch::Tensor patch = img.slice(2, gy * 8, gy * 8 + 8).slice(3, gx * 8, gx * 8 + 8);
      tokens.push_back(torch::einsum("mcyx,dcyx->md", {patch, w}));
    }
  }
  torch::Tensor emb = torch::stack(tokens, 1) + P("embeddings.position_embedding.weight");
  auto ln = [&](const torch::Tensor& x, const std::string& n) {
    return torch::layer_norm(x, {32}, P(n + ".weight"), P(n + ".bias"), c0.vision.layer_norm_eps);
  };
  torch::Tensor want0 = ln(emb, "pre_layrnorm");
  EXPECT_LT(MaxDiff(*h0, want0), 1e-5);
  // Encoder layer 0: pre-norm attention (2 heads of 16) and quick-GELU MLP.
  auto lin = [&](const torch::Tensor& x, const std::string& n) {
    return torch::matmul(x, P(n + ".weight").t()) + P(n + ".bias");
  };
  const std::string L = "encoder.layers.0.";
  torch::Tensor a = ln(want0, L + "layer_norm1");
  torch::Tensor q = lin(a, L + "self_attn.q_proj"), k = lin(a, L + "self_attn.k_proj"),
                v = lin(a, L + "self_attn.v_proj");
  std::vector<torch::Tensor> heads;
  for (int64_t h = 0; h < 2; ++h) {
    auto qs = q.slice(2, h * 16, h * 16 + 16), ks = k.slice(2, h * 16, h * 16 + 16), vs = v.slice(2, h * 16, h * 16 + 16);
    heads.push_back(torch::matmul(torch::softmax(torch::matmul(qs, ks.transpose(1, 2)) / 4.0, -1), vs));
  }
  torch::Tensor r = want0 + lin(torch::cat(heads, 2), L + "self_attn.out_proj");
  torch::Tensor f = lin(ln(r, L + "layer_norm2"), L + "mlp.fc1");
  torch::Tensor want1 = r + lin(f * torch::sigmoid(1.702 * f), L + "mlp.fc2");
  EXPECT_LT(MaxDiff(*h1, want1), 1e-5);
}

}  // namespace
}  // namespace xmas::model
