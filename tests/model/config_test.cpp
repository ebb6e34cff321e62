// config.json reading/writing, HF defaults, validation, presets.
#include "test_util.h"

namespace xmas::model {
namespace {

TEST(ConfigTest, JsonRoundTrip) {
  ModelConfig c = testing::MicroConfig();
  c.projector_type = "linear";
  c.text.tie_word_embeddings = true;
  c.text.rope_theta = 1234.5;
  auto back = ConfigFromJson(ConfigToJson(c), "mem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ConfigToJson(*back), ConfigToJson(c));
  EXPECT_EQ(back->text.num_key_value_heads, 2);
  EXPECT_EQ(back->projector_type, "linear");
  EXPECT_DOUBLE_EQ(back->text.rope_theta, 1234.5);
}

TEST(ConfigTest, ShortRealWorldConfigTakesHfDefaults) {
  // llava-hf/llava-1.5-7b-hf's config.json (abridged the same way).
  const char* json = R"({
    "architectures": ["LlavaForConditionalGeneration"], "ignore_index": -100,
    "image_token_index": 32000, "model_type": "llava", "pad_token_id": 32001,
    "projector_hidden_act": "gelu",
    "text_config": {"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096,
      "model_type": "llama", "rms_norm_eps": 1e-05, "torch_dtype": "float16", "vocab_size": 32064},
    "tie_word_embeddings": false, "torch_dtype": "float16",
    "vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096,
      "model_type": "clip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 24,
      "patch_size": 14, "projection_dim": 768, "vocab_size": 32000},
    "vision_feature_layer": -2, "vision_feature_select_strategy": "default"})";
  auto c = ConfigFromJson(json, "config.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->text.hidden_size, 4096);
  EXPECT_EQ(c->text.num_hidden_layers, 32);
  EXPECT_EQ(c->text.num_key_value_heads, 32);
  EXPECT_EQ(c->text.vocab_size, 32064);
  EXPECT_EQ(c->vision.hidden_act, "quick_gelu");
  EXPECT_EQ(c->image_token_count(), 576);
  EXPECT_EQ(c->resolved_feature_layer(), 23);
  EXPECT_EQ(c->pad_token_id, 32001);
  auto preset = PresetConfig("llava-1.5-7b");
  ASSERT_TRUE(preset.ok());
  EXPECT_EQ(CountParameters(*c).total(), CountParameters(*preset).total());
}

TEST(ConfigTest, ErrorsNameTheField) {
  auto err = [](const std::string& json) {
    auto c = ConfigFromJson(json, "cfg.json");
    EXPECT_FALSE(c.ok());
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_NE(err(R"({"text_config": {"hidden_size": "big"}})").find("cfg.json: field 'text_config.hidden_size'"),
            std::string::npos);
  EXPECT_NE(err(R"({"text_config": {"num_attention_heads": 32, "num_key_value_heads": 5}})")
                .find("text_config.num_key_value_heads"),
            std::string::npos);
  EXPECT_NE(err(R"({"vision_config": {"image_size": 6, "patch_size": 8}})").find("vision_config.patch_size"),
            std::string::npos);
  EXPECT_NE(err(R"({"vision_feature_layer": [-2, -5]})").find("vision_feature_layer"), std::string::npos);
  EXPECT_NE(err(R"({"vision_feature_layer": 40})").find("vision_feature_layer"), std::string::npos);
  EXPECT_NE(err(R"({"mm_projector_type": "qformer"})").find("mm_projector_type"), std::string::npos);
  EXPECT_NE(err("[1]").find("not a JSON object"), std::string::npos);
}

TEST(ConfigTest, PresetsAreValidAndCountsMatchTheModel) {
  for (const auto& name : PresetNames()) {
    auto c = PresetConfig(name);
    ASSERT_TRUE(c.ok()) << name;
    EXPECT_TRUE(Validate(*c).ok()) << name;
  }
  auto tiny = PresetConfig("tiny");
  EXPECT_EQ(tiny->image_token_count(), 16);
  auto real = PresetConfig("tinyllava");
  EXPECT_EQ(real->image_token_count(), 576);
  EXPECT_EQ(real->text.num_key_value_heads, 4);
  EXPECT_EQ(CountParameters(*real).language, 1100048384);  // TinyLlama-1.1B
  EXPECT_EQ(CountParameters(*real).vision, 303507456);     // CLIPVisionModel ViT-L/14-336
  for (const ModelConfig& c : {*tiny, testing::MicroConfig()}) {
    auto m = testing::MakeModel(c);
    int64_t n = 0;
    for (const auto& p : m->parameters()) n += p.numel();
    EXPECT_EQ(CountParameters(c).total(), n);
  }
  EXPECT_FALSE(PresetConfig("huge").ok());
}

}  // namespace
}  // namespace xmas::model
