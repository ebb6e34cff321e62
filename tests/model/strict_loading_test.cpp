// Strict loading: every config a real user may point xmas at either loads
// as what it is or fails with one line naming the field and what is
// supported; every checkpoint tensor is consumed and every parameter found.
// Each case here was once accepted silently and wrongly (issue 18).
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "xmas/model/checkpoint_match.h"
#include "xmas/model/family.h"
#include "xmas/model/model_check.h"
#include "xmas/model/safetensors.h"
#include "xmas/model/weights.h"
#include "xmas/util/atomic_file.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::FamilyConfig;
using testing::MakeModel;
using testing::MicroConfig;

std::string ConfigError(const std::string& json) {
  auto c = ConfigFromJson(json, "config.json");
  EXPECT_FALSE(c.ok()) << json;
  return c.ok() ? std::string() : c.status().message();
}

void ExpectHas(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

// Abridged from Qwen/Qwen2-VL-2B-Instruct's config.json.
TEST(StrictConfigTest, Qwen2VlIsRefused) {
  std::string e = ConfigError(R"({"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
    "hidden_size": 1536, "intermediate_size": 8960, "num_attention_heads": 12, "num_hidden_layers": 28,
    "num_key_value_heads": 2, "rope_theta": 1000000.0, "vocab_size": 151936, "image_token_id": 151655,
    "vision_config": {"depth": 32, "embed_dim": 1280, "hidden_size": 1536, "patch_size": 14},
    "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}})");
  ExpectHas(e, "config.json: field 'model_type': 'qwen2_vl': Qwen2-VL is not supported");
  ExpectHas(e, "supported: llava");
}

// A flat config that claims the HF class: LLM fields at the top, no text_config.
TEST(StrictConfigTest, FlatConfigWithTheHfClassIsRefused) {
  std::string e = ConfigError(R"({"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
    "hidden_size": 2048, "intermediate_size": 5632, "num_attention_heads": 32, "num_hidden_layers": 22,
    "num_key_value_heads": 4, "vocab_size": 32000, "mm_vision_tower": "openai/clip-vit-large-patch14-336",
    "mm_hidden_size": 1024, "mm_projector_type": "mlp2x_gelu"})");
  ExpectHas(e, "config.json: field 'architectures': 'LlavaForConditionalGeneration' is not supported in the flat "
               "LLaVA layout (supported: LlavaLlamaForCausalLM");
}

TEST(StrictConfigTest, OtherModelTypesAndArchitecturesAreRefused) {
  ExpectHas(ConfigError(R"({"model_type": "tinyllava"})"), "field 'text_config': expected an object");
  ExpectHas(ConfigError(R"({"model_type": "blip-2"})"),
            "'blip-2': not a supported model type (supported: llava, llava_llama, llava_mistral, tinyllava)");
  ExpectHas(ConfigError(R"({"model_type": "llava", "architectures": ["LlavaNextForConditionalGeneration"]})"),
            "field 'architectures': \"LlavaNextForConditionalGeneration\" is not supported");
}

TEST(StrictConfigTest, UnknownDecoderFamilyListsTheSupportedOnes) {
  std::string e = ConfigError(R"({"text_config": {"model_type": "gemma"}})");
  ExpectHas(e, "field 'text_config.model_type': 'gemma' is not a supported decoder family");
  ExpectHas(e, "llama, mistral, qwen2, stablelm, phi");
  ExpectHas(ConfigError(R"({"text_config": {"model_type": "qwen2", "architectures": ["LlamaForCausalLM"]}})"),
            "does not match model_type 'qwen2'");
}

// text_config.model_type "qwen2" / "stablelm" / "phi" used to be read as LLaMA.
TEST(StrictConfigTest, FamiliesAreReadWithTheirOwnDefaults) {
  auto q = ConfigFromJson(R"({"text_config": {"model_type": "qwen2", "hidden_size": 896, "num_attention_heads": 14,
    "num_key_value_heads": 2, "intermediate_size": 4864, "num_hidden_layers": 24, "rope_theta": 1000000.0,
    "tie_word_embeddings": true}, "image_token_index": 151646})", "c.json");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->text.model_type, "qwen2");
  EXPECT_EQ(q->text.vocab_size, 151936);  // Qwen2Config's default, not LLaMA's 32000
  EXPECT_TRUE(SpecOf(q->text).qkv_bias);
  auto s = ConfigFromJson(R"({"text_config": {"model_type": "stablelm", "hidden_size": 2048,
    "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 5632, "num_hidden_layers": 24,
    "vocab_size": 100352, "use_qkv_bias": true}})", "c.json");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->text.rotary_dim(), 16);  // 0.25 x 64
  EXPECT_EQ(SpecOf(s->text).norm, NormKind::kLayerNorm);
  auto p = ConfigFromJson(R"({"text_config": {"model_type": "phi", "hidden_size": 2560, "num_attention_heads": 32,
    "intermediate_size": 10240, "num_hidden_layers": 32, "partial_rotary_factor": 0.4, "vocab_size": 51200}})",
                          "c.json");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->text.rotary_dim(), 32);  // int(0.4 x 80)
  EXPECT_EQ(p->text.num_key_value_heads, 32);  // None -> num_attention_heads
  EXPECT_EQ(p->text.hidden_act, "gelu_new");
  EXPECT_TRUE(SpecOf(p->text).parallel_block);
}

TEST(StrictConfigTest, UnimplementedFamilyOptionsAreRefused) {
  ExpectHas(ConfigError(R"({"text_config": {"model_type": "stablelm", "qk_layernorm": true}})"),
            "field 'text_config.qk_layernorm': true is not supported");
  ExpectHas(ConfigError(R"({"text_config": {"model_type": "stablelm", "use_parallel_residual": true}})"),
            "text_config.use_parallel_residual");
  ExpectHas(ConfigError(R"({"text_config": {"model_type": "phi", "qk_layernorm": true}})"),
            "text_config.qk_layernorm");
  ExpectHas(ConfigError(R"({"text_config": {"model_type": "qwen2", "use_sliding_window": true}})"),
            "text_config.use_sliding_window");
  ExpectHas(ConfigError(R"({"text_config": {"model_type": "llama", "head_dim": 64, "hidden_size": 4096,
    "num_attention_heads": 32}})"), "text_config.head_dim");
}

TEST(StrictConfigTest, RopeScalingActivationAndStrategyListWhatIsSupported) {
  ExpectHas(ConfigError(R"({"text_config": {"rope_scaling": {"type": "linear", "factor": 2.0}}})"),
            "field 'text_config.rope_scaling': {\"factor\":2.0,\"type\":\"linear\"} is not supported (supported: null");
  EXPECT_TRUE(ConfigFromJson(R"({"text_config": {"rope_scaling": {"rope_type": "default"}}})", "c").ok());
  EXPECT_TRUE(ConfigFromJson(R"({"text_config": {"rope_scaling": null}})", "c").ok());
  ExpectHas(ConfigError(R"({"text_config": {"hidden_act": "swish"}})"),
            "unknown activation 'swish' (supported: gelu, gelu_pytorch_tanh, gelu_new, quick_gelu, silu, relu)");
  ExpectHas(ConfigError(R"({"vision_feature_select_strategy": "spatial_unpad"})"),
            "'spatial_unpad' is not supported (supported: default, full, patch, cls_patch)");
}

TEST(StrictConfigTest, UnknownVisionTowerIsRefused) {
  ExpectHas(ConfigError(R"({"vision_config": {"model_type": "dinov2", "image_size": 224, "patch_size": 14}})"),
            "field 'vision_config.model_type': 'dinov2' is not a supported vision tower (supported: "
            "clip_vision_model, siglip_vision_model)");
}

// SigLIP 384/14 used to be refused with a misleading "patch_size does not divide image_size".
TEST(StrictConfigTest, ImageSizeNeedNotBeAMultipleOfThePatch) {
  auto c = ConfigFromJson(R"({"vision_config": {"model_type": "siglip_vision_model", "image_size": 384,
    "patch_size": 14}})", "c.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->vision.num_patches(), 27 * 27);
}

class StrictWeightsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xmas_strict_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  // Saves `from`'s weights as DIR/model.safetensors with `extra` tensors added.
  void Save(const Model& from, const std::vector<std::string>& extra = {}) {
    std::vector<torch::Tensor> keep;
    std::vector<SafetensorsTensor> tensors;
    for (const auto& p : from.named_parameters()) {
      keep.push_back(p.value().contiguous());
      tensors.push_back({p.key(), "F32", keep.back().sizes().vec(), keep.back().data_ptr(),
                         static_cast<uint64_t>(keep.back().nbytes())});
    }
    for (const auto& name : extra) {
      keep.push_back(torch::zeros({3}));
      tensors.push_back({name, "F32", {3}, keep.back().data_ptr(), 12});
    }
    ASSERT_TRUE(WriteSafetensors(Path("model.safetensors"), tensors).ok());
  }
  fs::path dir_;
};

// A Qwen2 checkpoint read as LLaMA used to drop its q/k/v biases silently.
TEST_F(StrictWeightsTest, ExtraTensorsAreAnErrorNamingThemAndTheFamily) {
  Save(*MakeModel(FamilyConfig("qwen2")));
  ModelConfig llama = FamilyConfig("qwen2");
  llama.text.model_type = "llama";
  auto r = LoadWeights(*MakeModel(llama), dir_.string());
  ASSERT_FALSE(r.ok());
  const std::string e = r.status().message();
  ExpectHas(e, dir_.string() + ": checkpoint does not match the model (assumed llava: clip_vision_model tower + "
                               "llama decoder (LlamaForCausalLM)): 6 checkpoint tensor(s) the model does not have: "
                               "'language_model.model.layers.0.self_attn.k_proj.bias'");
  ExpectHas(e, "(and 3 more)");
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST_F(StrictWeightsTest, MissingParametersAreAnErrorNamingThem) {
  Save(*MakeModel(FamilyConfig("llama")));
  auto r = LoadWeights(*MakeModel(FamilyConfig("stablelm")), dir_.string());
  ASSERT_FALSE(r.ok());
  ExpectHas(r.status().message(), "parameter(s) missing from the checkpoint: 'language_model.model.layers.0.input_layernorm.bias'");
  ExpectHas(r.status().message(), "stablelm decoder");
}

TEST_F(StrictWeightsTest, KnownBuffersAreSkippedOthersAreNot) {
  auto a = MakeModel(MicroConfig());
  Save(*a, {"vision_tower.vision_model.embeddings.position_ids",
            "language_model.model.layers.0.self_attn.rotary_emb.inv_freq"});
  auto ok = LoadWeights(*MakeModel(MicroConfig(), 3), dir_.string());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->skipped.size(), 2u);
  Save(*a, {"language_model.model.layers.0.self_attn.q_norm.weight"});
  auto bad = LoadWeights(*MakeModel(MicroConfig(), 3), dir_.string());
  ASSERT_FALSE(bad.ok());
  ExpectHas(bad.status().message(), "1 checkpoint tensor(s) the model does not have: "
                                    "'language_model.model.layers.0.self_attn.q_norm.weight'");
}

TEST_F(StrictWeightsTest, FailedLoadChangesNothing) {
  auto a = MakeModel(MicroConfig(), 1);
  Save(*a, {"unexpected.tensor"});
  auto b = MakeModel(MicroConfig(), 2);
  torch::Tensor before = b->named_parameters()["language_model.model.embed_tokens.weight"].clone();
  ASSERT_FALSE(LoadWeights(*b, dir_.string()).ok());
  EXPECT_TRUE(torch::equal(before, b->named_parameters()["language_model.model.embed_tokens.weight"]));
}

TEST_F(StrictWeightsTest, ShardIndexMustMatchTheShards) {
  auto a = MakeModel(MicroConfig());
  Save(*a);
  fs::rename(Path("model.safetensors"), Path("model-1.safetensors"));
  Json map;
  for (const auto& p : a->named_parameters()) map[p.key()] = "model-1.safetensors";
  map["language_model.model.layers.9.mlp.up_proj.weight"] = "model-1.safetensors";
  ASSERT_TRUE(WriteFileAtomic(Path("model.safetensors.index.json"), Json{{"weight_map", map}}.dump()).ok());
  auto r = LoadWeights(*MakeModel(MicroConfig()), dir_.string());
  ASSERT_FALSE(r.ok());
  ExpectHas(r.status().message(), "lists tensor 'language_model.model.layers.9.mlp.up_proj.weight' that no shard holds");
}

TEST_F(StrictWeightsTest, ATensorInTwoShardsIsAnError) {
  auto a = MakeModel(MicroConfig());
  Save(*a);
  fs::copy_file(Path("model.safetensors"), Path("model-2.safetensors"));
  fs::rename(Path("model.safetensors"), Path("model-1.safetensors"));
  Json map;
  int i = 0;
  for (const auto& p : a->named_parameters()) map[p.key()] = (i++ % 2) ? "model-2.safetensors" : "model-1.safetensors";
  ASSERT_TRUE(WriteFileAtomic(Path("model.safetensors.index.json"), Json{{"weight_map", map}}.dump()).ok());
  auto r = LoadWeights(*MakeModel(MicroConfig()), dir_.string());
  ASSERT_FALSE(r.ok());
  ExpectHas(r.status().message(), "appears a second time");
}

TEST_F(StrictWeightsTest, HalfPrecisionCheckpointsOfEveryFamilyLoadConverted) {
  for (const auto& family : testing::AllFamilies()) {
    ModelConfig c = FamilyConfig(family);
    auto a = MakeModel(c, 1);
    SaveOptions half;
    half.dtype = family == "phi" ? torch::kFloat16 : torch::kBFloat16;
    ASSERT_TRUE(SaveModel(*a, dir_.string(), half).ok());
    auto b = LoadModel(dir_.string());
    ASSERT_TRUE(b.ok()) << family << ": " << b.status().ToString();
    for (const auto& p : a->named_parameters()) {
      torch::Tensor want = p.value().to(*half.dtype).to(torch::kFloat32);
      EXPECT_TRUE(torch::equal(b.value()->named_parameters()[p.key()], want)) << family << " " << p.key();
    }
  }
}

TEST_F(StrictWeightsTest, ModelCheckReportsAndFails) {
  auto a = MakeModel(FamilyConfig("stablelm"));
  ASSERT_TRUE(SaveModel(*a, dir_.string()).ok());
  ModelCheckReport ok = CheckModelDir(dir_.string());
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  ExpectHas(ok.text, "architecture: llava: clip_vision_model tower + stablelm decoder (StableLmForCausalLM)");
  ExpectHas(ok.text, "parameters: " + std::to_string(CountParameters(a->config()).total()));
  ExpectHas(ok.text, "4 image tokens per image");
  ExpectHas(ok.text, "every tensor matched");
  ExpectHas(ok.text, "rotary 2 of 8 head features");
  ExpectHas(ok.text, "tokenizer: none");
  // The same weights under a config that says llama: the check fails, naming the extras.
  ModelConfig wrong = a->config();
  wrong.text.model_type = "llama";
  ASSERT_TRUE(SaveConfig(wrong, Path("config.json")).ok());
  ModelCheckReport bad = CheckModelDir(dir_.string());
  ASSERT_FALSE(bad.status.ok());
  ExpectHas(bad.status.message(), "checkpoint tensor(s) the model does not have");
  ExpectHas(bad.text, "weights: DO NOT MATCH");
  ASSERT_TRUE(WriteFileAtomic(Path("config.json"), R"({"model_type": "qwen2_vl"})").ok());
  EXPECT_FALSE(CheckModelDir(dir_.string()).status.ok());
}

}  // namespace
}  // namespace xmas::model
