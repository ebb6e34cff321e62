// Vision towers (CLIP, SigLIP) and the feature selection strategies.
// Numerical parity of SigLIP with HF is in tests/reference/ (phi+siglip).
#include "test_util.h"
#include "xmas/model/model_check.h"
#include "xmas/model/parameter_shapes.h"
#include "xmas/model/preprocess.h"

namespace xmas::model {
namespace {

using testing::MakeModel;
using testing::MicroConfig;

// MicroConfig with a SigLIP tower: 20px / patch 8 -> 2 x 2 patches (the
// remainder cut off), no class token.
ModelConfig SiglipMicro() {
  ModelConfig c = MicroConfig();
  c.vision.model_type = "siglip_vision_model";
  c.vision.image_size = 20;
  c.vision.hidden_act = "gelu_pytorch_tanh";
  c.vision.layer_norm_eps = 1e-6;
  return c;
}

// Abridged from a TinyLLaVA-2B-style HF llava export: SigLIP so400m/14 at 384 + Phi-2.
const char* kSiglipConfig = R"({"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
  "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152, "image_size": 384,
    "intermediate_size": 4304, "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14},
  "text_config": {"model_type": "phi", "hidden_size": 2560, "intermediate_size": 10240, "num_attention_heads": 32,
    "num_hidden_layers": 32, "partial_rotary_factor": 0.4, "vocab_size": 51200},
  "vision_feature_layer": -2, "vision_feature_select_strategy": "patch", "image_token_index": 50295})";

void ExpectNoClassTokenNames(const ModelConfig& c);

TEST(VisionTest, SiglipConfigReadsAsHfDoes) {
  auto c = ConfigFromJson(kSiglipConfig, "config.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->vision.is_siglip());
  EXPECT_EQ(c->vision.grid(), 27);            // 384 / 14, remainder cut off
  EXPECT_EQ(c->vision.num_tokens(), 729);      // no class token
  EXPECT_EQ(c->image_token_count(), 728);      // "patch" drops the first token, as TinyLLaVA does
  EXPECT_EQ(c->vision.hidden_act, "gelu_pytorch_tanh");  // SiglipVisionConfig defaults
  EXPECT_DOUBLE_EQ(c->vision.layer_norm_eps, 1e-6);
  EXPECT_TRUE(c->vision.vision_use_head);
  ModelConfig full = *c;
  full.vision_feature_select_strategy = "cls_patch";
  EXPECT_EQ(full.image_token_count(), 729);
  auto back = ConfigFromJson(ConfigToJson(*c), "mem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ConfigToJson(*back), ConfigToJson(*c));
  ExpectNoClassTokenNames(*c);
}

TEST(VisionTest, SiglipBuildsItsHfParameters) {
  for (bool head : {true, false}) {
    ModelConfig c = SiglipMicro();
    c.vision.vision_use_head = head;
    auto m = MakeModel(c);
    ParameterShapeMap got;
    for (const auto& p : m->named_parameters()) got[p.key()] = p.value().sizes().vec();
    EXPECT_EQ(got, ParameterShapes(c));
    const std::string root = "vision_tower.vision_model.";
    EXPECT_EQ(got.count(root + "embeddings.class_embedding"), 0u);
    EXPECT_EQ(got.count(root + "pre_layrnorm.weight"), 0u);
    EXPECT_EQ(got.at(root + "embeddings.patch_embedding.bias"), (std::vector<int64_t>{32}));
    EXPECT_EQ(got.at(root + "embeddings.position_embedding.weight"), (std::vector<int64_t>{4, 32}));
    EXPECT_EQ(got.count(root + "head.probe"), head ? 1u : 0u);
    EXPECT_EQ(got.count(root + "head.attention.in_proj_weight"), head ? 1u : 0u);
  }
}

TEST(VisionTest, StrategiesSelectTheTokens) {
  const std::vector<std::pair<std::string, int64_t>> clip = {{"default", 4}, {"patch", 4}, {"full", 5},
                                                            {"cls_patch", 5}};
  for (const auto& [strategy, tokens] : clip) {
    ModelConfig c = MicroConfig();
    c.vision_feature_select_strategy = strategy;
    EXPECT_EQ(c.image_token_count(), tokens) << strategy;
    auto m = MakeModel(c);
    torch::Tensor images = torch::randn({2, 3, 16, 16});
    auto f = m->EncodeVision(images);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->size(1), tokens) << strategy;
    auto out = m->Forward(testing::MakeBatch(c, {{12, 1}, {10, 3}}));
    ASSERT_TRUE(out.ok()) << strategy << ": " << out.status().ToString();
  }
  ModelConfig s = SiglipMicro();
  s.vision_feature_select_strategy = "full";
  auto m = MakeModel(s);
  auto all = m->EncodeVision(torch::randn({1, 3, 20, 20}));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(1), 4);
  s.vision_feature_select_strategy = "patch";  // same weights: the first patch dropped
  auto m2 = MakeModel(s);
  torch::Tensor image = torch::randn({1, 3, 20, 20});
  auto a = m->EncodeVision(image), b = m2->EncodeVision(image);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(torch::allclose(a->slice(1, 1), *b));
}

TEST(VisionTest, SiglipNormalisesWithHalfMeanAndStd) {
  data::PreprocessOptions clip = TowerPreprocessing(MicroConfig());
  EXPECT_FLOAT_EQ(clip.mean[0], 0.48145466f);
  EXPECT_EQ(clip.size, 16);
  data::PreprocessOptions siglip = TowerPreprocessing(SiglipMicro());
  for (int i = 0; i < 3; ++i) {
    EXPECT_FLOAT_EQ(siglip.mean[i], 0.5f);
    EXPECT_FLOAT_EQ(siglip.std[i], 0.5f);
  }
  EXPECT_EQ(siglip.size, 20);
  EXPECT_NE(DescribeConfig(SiglipMicro()).find("vision: SigLIP 2 layers"), std::string::npos);
}

void ExpectNoClassTokenNames(const ModelConfig& c) {
  ParameterShapeMap shapes = ParameterShapes(c);
  EXPECT_EQ(shapes.count("vision_tower.vision_model.embeddings.class_embedding"), 0u);
  EXPECT_EQ(shapes.at("vision_tower.vision_model.embeddings.position_embedding.weight"),
            (std::vector<int64_t>{729, 1152}));
}

}  // namespace
}  // namespace xmas::model
