// Every decoder family (family.h): the built parameters are exactly
// ParameterShapes (names, shapes, count), configs round-trip through
// config.json, the forward pass is batch-invariant, and q/k captures keep
// their meaning with partial rotary. Numerical parity with the HF semantics
// is tests/reference/ (Python).
#include <cmath>

#include "test_util.h"
#include "xmas/model/family.h"
#include "xmas/model/layers.h"
#include "xmas/model/parameter_shapes.h"

namespace xmas::model {
namespace {

using testing::AllFamilies;
using testing::FamilyConfig;
using testing::MakeBatch;
using testing::MakeModel;
using testing::Row;

TEST(FamilyTest, BuiltParametersAreExactlyTheComputedShapes) {
  for (const auto& family : AllFamilies()) {
    ModelConfig c = FamilyConfig(family);
    auto m = MakeModel(c);
    ParameterShapeMap want = ParameterShapes(c);
    ParameterShapeMap got;
    int64_t numel = 0;
    for (const auto& p : m->named_parameters()) {
      got[p.key()] = p.value().sizes().vec();
      numel += p.value().numel();
    }
    EXPECT_EQ(got, want) << family;
    EXPECT_EQ(CountParameters(c).total(), numel) << family;
  }
}

TEST(FamilyTest, EachFamilyHasItsHfTensorNames) {
  auto has = [](const std::string& family, const std::string& name) {
    return ParameterShapes(FamilyConfig(family)).count(name) == 1;
  };
  const std::string l = "language_model.model.layers.0.";
  EXPECT_TRUE(has("qwen2", l + "self_attn.q_proj.bias"));
  EXPECT_FALSE(has("qwen2", l + "self_attn.o_proj.bias"));
  EXPECT_FALSE(has("qwen2", "language_model.lm_head.weight"));  // tied
  EXPECT_TRUE(has("stablelm", l + "input_layernorm.bias"));
  EXPECT_TRUE(has("stablelm", l + "self_attn.k_proj.bias"));
  EXPECT_TRUE(has("stablelm", "language_model.model.norm.bias"));
  EXPECT_FALSE(has("llama", l + "self_attn.q_proj.bias"));
  EXPECT_FALSE(has("llama", l + "input_layernorm.bias"));
  EXPECT_TRUE(has("phi", l + "self_attn.dense.bias"));
  EXPECT_TRUE(has("phi", l + "mlp.fc1.bias"));
  EXPECT_FALSE(has("phi", l + "post_attention_layernorm.weight"));
  EXPECT_FALSE(has("phi", l + "mlp.gate_proj.weight"));
  EXPECT_TRUE(has("phi", "language_model.model.final_layernorm.bias"));
  EXPECT_TRUE(has("phi", "language_model.lm_head.bias"));
}

TEST(FamilyTest, ConfigsRoundTripPerFamily) {
  for (const auto& family : AllFamilies()) {
    ModelConfig c = FamilyConfig(family);
    auto back = ConfigFromJson(ConfigToJson(c), "mem");
    ASSERT_TRUE(back.ok()) << family << ": " << back.status().ToString();
    EXPECT_EQ(ConfigToJson(*back), ConfigToJson(c)) << family;
    EXPECT_EQ(back->text.model_type, family);
    EXPECT_EQ(back->text.rotary_dim(), c.text.rotary_dim()) << family;
    EXPECT_EQ(ParameterShapes(*back), ParameterShapes(c)) << family;
  }
}

TEST(FamilyTest, PaddedBatchEqualsEachExampleAlone) {
  for (const auto& family : AllFamilies()) {
    ModelConfig c = FamilyConfig(family);
    auto m = MakeModel(c);
    // Biases and norm biases are zero after init: make them matter.
    {
      torch::NoGradGuard no_grad;
      for (auto& p : m->named_parameters()) {
        if (p.key().find("bias") != std::string::npos) p.value().normal_(0.0, 0.1);
      }
    }
    Batch batch = MakeBatch(c, {{14, 2}, {9, -1}, {12, 5}});
    ForwardOptions opts;
    opts.keep_logits = true;
    auto all = m->Forward(batch, opts);
    ASSERT_TRUE(all.ok()) << family << ": " << all.status().ToString();
    EXPECT_TRUE(std::isfinite(all->loss.item<double>())) << family;
    for (int64_t b = 0; b < 3; ++b) {
      auto one = m->Forward(Row(batch, b), opts);
      ASSERT_TRUE(one.ok()) << family;
      const int64_t len = batch.length(b);
      EXPECT_LT(testing::MaxDiff(all->logits[b].slice(0, 0, len), one->logits[0]), 1e-4) << family << " row " << b;
    }
  }
}

// Pre-RoPE q/k are the projections (bias included); post-RoPE rotates the
// first rotary_dim features of each head and leaves the rest equal.
TEST(FamilyTest, PartialRotaryCapturesRotateOnlyTheRotaryFeatures) {
  for (const auto& family : AllFamilies()) {
    ModelConfig c = FamilyConfig(family);
    auto m = MakeModel(c);
    Batch batch = MakeBatch(c, {{10, 1}});
    ForwardOptions opts;
    opts.capture_layers = {1};
    opts.capture_qk = true;
    auto out = m->Forward(batch, opts);
    ASSERT_TRUE(out.ok()) << family;
    const LayerCapture& cap = out->layers[0];
    const int64_t heads = c.text.num_attention_heads, r = c.text.rotary_dim(), d = c.text.head_dim();
    torch::Tensor pre = SplitHeads(cap.q_proj, heads);  // [B, H, L, d]
    ASSERT_EQ(cap.q.sizes(), pre.sizes());
    RopeTables rope = MakeRope(0, batch.seq_len(), r, c.text.rope_theta, torch::kCPU, torch::kFloat32);
    torch::Tensor rotated = ApplyRope(pre.narrow(-1, 0, r).contiguous(), rope);
    EXPECT_LT(testing::MaxDiff(cap.q.narrow(-1, 0, r), rotated), 1e-6) << family;
    if (r < d) {
      EXPECT_TRUE(torch::equal(cap.q.narrow(-1, r, d - r), pre.narrow(-1, r, d - r))) << family;
    }
    // Position 0 is not rotated at all; later positions are (where r > 0).
    EXPECT_TRUE(torch::allclose(cap.q.select(2, 0), pre.select(2, 0)));
    EXPECT_FALSE(torch::allclose(cap.q.select(2, 3), pre.select(2, 3))) << family;
  }
}

TEST(FamilyTest, MistralRefusesSequencesPastItsSlidingWindow) {
  ModelConfig c = FamilyConfig("mistral");
  c.text.sliding_window = 12;
  auto m = MakeModel(c);
  EXPECT_TRUE(m->Forward(MakeBatch(c, {{12, 1}})).ok());
  auto out = m->Forward(MakeBatch(c, {{13, 1}}));
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("sliding window"), std::string::npos);
}

TEST(FamilyTest, TableListsEveryFamilyOnce) {
  std::vector<std::string> names = FamilyNames();
  EXPECT_EQ(names, AllFamilies());
  for (const auto& f : DecoderFamilies()) {
    EXPECT_EQ(FindFamily(f.model_type), &f);
    EXPECT_EQ(f.defaults().model_type, f.model_type);
  }
  EXPECT_EQ(FindFamily("gemma"), nullptr);
}

}  // namespace
}  // namespace xmas::model
