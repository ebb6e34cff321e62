// safetensors I/O and HF-named weight loading.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "xmas/model/model_dir.h"
#include "xmas/model/safetensors.h"
#include "xmas/model/weights.h"
#include "xmas/util/atomic_file.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;
using testing::MakeModel;
using testing::MicroConfig;

class WeightsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xmas_model_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A file with a hand-made header and `data_bytes` zero bytes of data.
  std::string RawFile(const std::string& name, const std::string& header, size_t data_bytes,
                      uint64_t declared_len = 0) {
    std::string bytes(8, '\0');
    const uint64_t n = declared_len ? declared_len : header.size();
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    bytes += header + std::string(data_bytes, '\0');
    EXPECT_TRUE(WriteFileAtomic(Path(name), bytes).ok());
    return Path(name);
  }

  fs::path dir_;
};

TEST_F(WeightsTest, SafetensorsRoundTripKeepsBytesAndMetadata) {
  const float a[3] = {1.5f, -2.f, 3.25f};
  const int64_t b[2] = {7, -9};
  ASSERT_TRUE(WriteSafetensors(Path("t.safetensors"),
                               {{"a", "F32", {3}, a, sizeof(a)}, {"b.x", "I64", {1, 2}, b, sizeof(b)}},
                               {{"format", "pt"}})
                  .ok());
  SafetensorsReader r;
  ASSERT_TRUE(r.Open(Path("t.safetensors")).ok());
  EXPECT_EQ(r.header().metadata.at("format"), "pt");
  const auto* ea = r.header().Find("a");
  const auto* eb = r.header().Find("b.x");
  ASSERT_TRUE(ea && eb);
  EXPECT_EQ(ea->offset % 8, 0u);  // header padded to 8-byte alignment
  EXPECT_EQ(eb->shape, (std::vector<int64_t>{1, 2}));
  float a2[3];
  int64_t b2[2];
  ASSERT_TRUE(r.Read(*ea, a2).ok());
  ASSERT_TRUE(r.Read(*eb, b2).ok());
  EXPECT_EQ(std::memcmp(a, a2, sizeof(a)), 0);
  EXPECT_EQ(std::memcmp(b, b2, sizeof(b)), 0);
}

TEST_F(WeightsTest, HostileHeadersAreRejectedWithTheTensorName) {
  auto err = [&](const std::string& path, uint64_t max = kMaxSafetensorsHeader) {
    auto h = ReadSafetensorsHeader(path, max);
    EXPECT_FALSE(h.ok());
    return h.ok() ? std::string() : h.status().message();
  };
  const std::string ok_header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  EXPECT_TRUE(ReadSafetensorsHeader(RawFile("ok", ok_header, 8)).ok());
  EXPECT_NE(err(RawFile("huge", ok_header, 8, 1ull << 40)).find("header length"), std::string::npos);
  EXPECT_NE(err(RawFile("limit", ok_header, 8), 10).find("exceeds the limit"), std::string::npos);
  EXPECT_NE(err(RawFile("short", ok_header, 4)).find("tensor 'w'"), std::string::npos);
  EXPECT_NE(err(RawFile("size", R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 12))
                .find("tensor 'w'"),
            std::string::npos);
  EXPECT_NE(err(RawFile("dtype", R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8))
                .find("unknown dtype"),
            std::string::npos);
  EXPECT_NE(err(RawFile("overlap", R"({"u":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12))
                .find("overlaps"),
            std::string::npos);
  EXPECT_NE(err(RawFile("overflow", R"({"w":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,8]}})", 8))
                .find("tensor 'w'"),
            std::string::npos);
  EXPECT_FALSE(ReadSafetensorsHeader(RawFile("json", "{not json", 0)).ok());
  ASSERT_TRUE(WriteFileAtomic(Path("stub"), "abcd").ok());
  EXPECT_NE(err(Path("stub")).find("shorter"), std::string::npos);
}

TEST_F(WeightsTest, SaveLoadRoundTripIsExact) {
  ModelConfig c = MicroConfig();
  auto a = MakeModel(c, 1), b = MakeModel(c, 2);
  ASSERT_TRUE(SaveModel(*a, dir_.string()).ok());
  auto report = LoadWeights(*b, dir_.string());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->loaded, static_cast<int64_t>(a->named_parameters().size()));
  for (const auto& p : a->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), b->named_parameters()[p.key()])) << p.key();
  }
  auto loaded = LoadModel(dir_.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded.value()->config().text.num_key_value_heads, 2);
  // The names are the HF LlavaForConditionalGeneration ones.
  auto header = ReadSafetensorsHeader(Path("model.safetensors"));
  ASSERT_TRUE(header.ok());
  for (const char* name : {"vision_tower.vision_model.embeddings.patch_embedding.weight",
                           "vision_tower.vision_model.embeddings.class_embedding",
                           "vision_tower.vision_model.embeddings.position_embedding.weight",
                           "vision_tower.vision_model.pre_layrnorm.weight",
                           "vision_tower.vision_model.encoder.layers.1.self_attn.out_proj.bias",
                           "vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight",
                           "vision_tower.vision_model.encoder.layers.0.layer_norm2.bias",
                           "multi_modal_projector.linear_1.weight", "multi_modal_projector.linear_2.bias",
                           "language_model.model.embed_tokens.weight",
                           "language_model.model.layers.1.self_attn.o_proj.weight",
                           "language_model.model.layers.0.mlp.gate_proj.weight",
                           "language_model.model.layers.0.input_layernorm.weight",
                           "language_model.model.layers.0.post_attention_layernorm.weight",
                           "language_model.model.norm.weight", "language_model.lm_head.weight"}) {
    EXPECT_NE(header->Find(name), nullptr) << name;
  }
  EXPECT_EQ(header->Find("language_model.model.layers.0.self_attn.q_proj.bias"), nullptr);
}

TEST_F(WeightsTest, HalfPrecisionFilesConvertToTheModelDtype) {
  ModelConfig c = MicroConfig();
  auto a = MakeModel(c, 1);
  for (auto dtype : {torch::kFloat16, torch::kBFloat16}) {
    SaveOptions opts;
    opts.dtype = dtype;
    ASSERT_TRUE(SaveWeights(*a, Path("h.safetensors"), opts).ok());
    auto b = MakeModel(c, 2);
    ASSERT_TRUE(LoadWeights(*b, Path("h.safetensors")).ok());
    for (const auto& p : a->named_parameters()) {
      torch::Tensor want = p.value().to(dtype).to(torch::kFloat32);
      EXPECT_TRUE(torch::equal(b->named_parameters()[p.key()], want)) << p.key();
    }
  }
}

TEST_F(WeightsTest, MissingAndWrongShapedTensorsNameTheTensor) {
  ModelConfig c = MicroConfig();
  auto a = MakeModel(c, 1);
  SaveOptions only_llm;
  only_llm.prefixes = {"language_model."};
  ASSERT_TRUE(SaveWeights(*a, Path("llm.safetensors"), only_llm).ok());
  auto missing = LoadWeights(*MakeModel(c, 2), Path("llm.safetensors"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing from the checkpoint: 'multi_modal_projector.linear_1.bias'"),
            std::string::npos)
      << missing.status().message();

  ModelConfig wider = c;
  wider.text.intermediate_size = 40;
  auto w = LoadWeights(*MakeModel(wider, 2), Path("llm.safetensors"), {{"language_model."}});
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("language_model.model.layers.0.mlp."), std::string::npos)
      << w.status().message();
  EXPECT_NE(w.status().message().find("shape"), std::string::npos);
}

TEST_F(WeightsTest, PrefixFilterLoadsOnlyThatPart) {
  ModelConfig c = MicroConfig();
  auto a = MakeModel(c, 1), b = MakeModel(c, 2);
  auto before = b->named_parameters()["language_model.model.norm.weight"].clone();
  b->named_parameters()["language_model.model.norm.weight"].detach().add_(1.0);
  auto after_edit = b->named_parameters()["language_model.model.norm.weight"].clone();
  ASSERT_TRUE(SaveModel(*a, dir_.string()).ok());
  LoadOptions vision_only;
  vision_only.prefixes = {"vision_tower."};
  auto r = LoadWeights(*b, dir_.string(), vision_only);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const auto& p : a->named_parameters()) {
    const bool same = torch::equal(p.value(), b->named_parameters()[p.key()]);
    if (p.key().rfind("vision_tower.", 0) == 0) {
      EXPECT_TRUE(same) << p.key();
    }
  }
  EXPECT_TRUE(torch::equal(b->named_parameters()["language_model.model.norm.weight"], after_edit));
  EXPECT_FALSE(torch::equal(after_edit, before));
}

TEST_F(WeightsTest, ShardedNewLayoutCheckpointLoads) {
  ModelConfig c = MicroConfig();
  auto a = MakeModel(c, 1);
  // Two shards, tensors renamed to the transformers >= 4.52 layout.
  std::vector<torch::Tensor> keep;
  std::vector<SafetensorsTensor> shard[2];
  nlohmann::json map;
  int i = 0;
  for (const auto& p : a->named_parameters()) {
    std::string name = p.key();
    if (name.rfind("language_model.model.", 0) == 0) name = "model.language_model." + name.substr(21);
    else if (name.rfind("language_model.lm_head", 0) == 0) name = name.substr(15);
    else name = "model." + name;
    keep.push_back(p.value().contiguous());
    shard[i % 2].push_back({name, "F32", p.value().sizes().vec(), keep.back().data_ptr(),
                            static_cast<uint64_t>(keep.back().nbytes())});
    map[name] = i % 2 ? "model-2.safetensors" : "model-1.safetensors";
    ++i;
  }
  ASSERT_TRUE(WriteSafetensors(Path("model-1.safetensors"), shard[0]).ok());
  ASSERT_TRUE(WriteSafetensors(Path("model-2.safetensors"), shard[1]).ok());
  ASSERT_TRUE(WriteFileAtomic(Path("model.safetensors.index.json"), nlohmann::json{{"weight_map", map}}.dump()).ok());
  auto b = MakeModel(c, 2);
  auto r = LoadWeights(*b, dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->skipped.empty());
  for (const auto& p : a->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), b->named_parameters()[p.key()])) << p.key();
  }
}

TEST_F(WeightsTest, TiedEmbeddingsHaveNoSeparateHead) {
  ModelConfig c = MicroConfig();
  c.text.tie_word_embeddings = true;
  auto a = MakeModel(c, 1);
  EXPECT_FALSE(a->named_parameters().contains("language_model.lm_head.weight"));
  ASSERT_TRUE(SaveModel(*a, dir_.string()).ok());
  auto b = LoadModel(dir_.string());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b.value()->config().text.tie_word_embeddings);
  EXPECT_EQ(CountParameters(c).total(), [&] {
    int64_t n = 0;
    for (const auto& p : a->parameters()) n += p.numel();
    return n;
  }());
}

TEST_F(WeightsTest, InitAndDescribeAModelDirectory) {
  InitOptions opts;
  opts.config = "tiny";
  opts.output_dir = Path("tiny");
  opts.dtype = "bfloat16";
  ASSERT_TRUE(InitModelDir(opts).ok());
  EXPECT_FALSE(InitModelDir(opts).ok());  // not empty, no --overwrite
  auto text = DescribeModelDir(opts.output_dir);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  const auto n = CountParameters(PresetConfig("tiny").value()).total();
  EXPECT_NE(text->find("parameters: " + std::to_string(n)), std::string::npos) << *text;
  EXPECT_NE(text->find("BF16 x"), std::string::npos) << *text;
  auto model = LoadModel(opts.output_dir, torch::kCPU, torch::kBFloat16);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto out = model.value()->Forward(testing::MakeBatch(model.value()->config(), {{24, 2}, {20, -1}}));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(std::isfinite(out->loss.item<double>()));
}

}  // namespace
}  // namespace xmas::model
