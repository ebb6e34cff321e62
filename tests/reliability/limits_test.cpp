// Resource limits and numerics (issue 8): a file may not choose an
// allocation, and a NaN/Inf is reported with where it is, never used. Each
// case here was a gap found by the fuzzers or the audit (see RELIABILITY.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../model/test_util.h"
#include "xmas/data/image.h"
#include "xmas/model/config.h"
#include "xmas/model/weights.h"
#include "xmas/select/official_json.h"
#include "xmas/store/store.h"
#include "xmas/util/atomic_file.h"

namespace xmas {
namespace {
namespace fs = std::filesystem;

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xmas_limits_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, const std::string& bytes) const {
    fs::create_directories(fs::path(Path(name)).parent_path());
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }
  fs::path dir_;
};

std::string Message(const Status& s) { return s.message(); }

TEST_F(LimitsTest, ModelConfigSizesAreCapped) {
  auto huge_vocab = model::ConfigFromJson(R"({"text_config": {"vocab_size": 1000000000000}})", "c.json");
  ASSERT_FALSE(huge_vocab.ok());
  EXPECT_NE(Message(huge_vocab.status()).find("text_config.vocab_size"), std::string::npos)
      << Message(huge_vocab.status());
  auto layers = model::ConfigFromJson(R"({"text_config": {"num_hidden_layers": 100000}})", "c.json");
  ASSERT_FALSE(layers.ok());
  EXPECT_NE(Message(layers.status()).find("num_hidden_layers"), std::string::npos);
  // Every size within its cap, but together far too many parameters.
  auto total = model::ConfigFromJson(
      R"({"text_config": {"hidden_size": 1048576, "intermediate_size": 1048576, "num_hidden_layers": 64,
                          "num_attention_heads": 8, "num_key_value_heads": 8}})", "c.json");
  ASSERT_FALSE(total.ok());
  EXPECT_NE(Message(total.status()).find("parameters, above the limit"), std::string::npos)
      << Message(total.status());
  auto real = model::PresetConfig("llava-1.5-7b");
  ASSERT_TRUE(real.ok());
  EXPECT_TRUE(model::Validate(*real).ok()) << Message(model::Validate(*real));
}

TEST_F(LimitsTest, NonFiniteWeightIsNamedOnLoad) {
  model::ModelConfig c = model::testing::MicroConfig();
  auto a = model::testing::MakeModel(c, 1);
  {
    torch::NoGradGuard no_grad;
    a->named_parameters()["language_model.lm_head.weight"].view(-1)[5] = NAN;
  }
  ASSERT_TRUE(model::SaveWeights(*a, Path("nan.safetensors")).ok());
  auto loaded = model::LoadWeights(*model::testing::MakeModel(c, 2), Path("nan.safetensors"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(Message(loaded.status()).find("lm_head.weight': non-finite value (NaN or Inf) at element 5"),
            std::string::npos)
      << Message(loaded.status());
}

TEST_F(LimitsTest, OfficialFileNamesCannotChooseTheAllocation) {
  Write("a/checkpoint-1_attn_svd_partial_vals_top1000000000.json", R"({"x": [1]})");
  select::OfficialReadOptions o;
  o.keep_all = true;
  o.show_progress = false;
  auto big_k = select::ReadOfficialTrajectories(Path("a"), o);
  ASSERT_FALSE(big_k.ok());
  EXPECT_NE(Message(big_k.status()).find("top-k in the file name must be 1.."), std::string::npos)
      << Message(big_k.status());
  Write("b/checkpoint-123456789012345678901234567890_loss.json", R"({"x": 1})");
  o.metric = select::OfficialMetric::kLoss;
  auto big_step = select::ReadOfficialTrajectories(Path("b"), o);
  ASSERT_FALSE(big_step.ok());
  EXPECT_NE(Message(big_step.status()).find("step in the file name is out of range"), std::string::npos);
  o.metric = select::OfficialMetric::kAttnSvd;
  o.top_k = select::kMaxOfficialTopK + 1;
  EXPECT_FALSE(select::ReadOfficialTrajectories(Path("a"), o).ok());
}

TEST_F(LimitsTest, StoreManifestFieldsOfTheWrongTypeAreErrors) {
  const std::string ok_fields = R"("version": 1, "num_examples": 0)";
  for (const std::string& manifest : std::vector<std::string>{
       R"({"format": 1, "version": 1, "num_examples": 0})",
        R"({"format": "xmas-trajectory-store", "version": "1", "num_examples": 0})",
        R"({"format": "xmas-trajectory-store", )" + ok_fields + R"(, "top_k": 1e300})",
        R"({"format": "xmas-trajectory-store", )" + ok_fields + R"(, "ids_file": ["x"]})",
        R"({"format": "xmas-trajectory-store", )" + ok_fields + R"(, "settings": 3})"}) {
    Write("s/manifest.json", manifest);
    Write("s/ids.txt", "");
    auto store = xmas::store::Store::Open(Path("s"));
    EXPECT_FALSE(store.ok()) << manifest;
    EXPECT_NE(Message(store.status()).find("manifest.json"), std::string::npos) << Message(store.status());
  }
}

TEST_F(LimitsTest, PaddingAThinImageIsRefusedNotAllocated) {
  data::Image strip;
  strip.width = 1;
  strip.height = 40000;
  strip.rgb.assign(strip.width * strip.height * 3, 128);
  data::PreprocessOptions pad;
  pad.size = 8;
  auto refused = data::Preprocess(strip, pad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(Message(refused.status()).find("pads to a square of 1600000000 pixels"), std::string::npos)
      << Message(refused.status());
  pad.mode = data::ResizeMode::kSquare;
  EXPECT_TRUE(data::Preprocess(strip, pad).ok());
}

TEST_F(LimitsTest, JpegHuffmanTableOverflowIsRefusedBeforeStb) {
  const fs::path crash = fs::path(XMAS_TEST_DATA_DIR) / "fuzz-regressions" / "image" /
                         "crash-651b52403ced9c34a0dee708805b6e27cf201693";
  auto bytes = ReadFile(crash.string());
  ASSERT_TRUE(bytes.ok());
  auto image = data::DecodeImage(std::string_view(*bytes).substr(1), "crash.jpg");  // byte 0: harness option
  ASSERT_FALSE(image.ok());
  EXPECT_NE(Message(image.status()).find("Huffman table with more than 256 codes"), std::string::npos)
      << Message(image.status());
}

}  // namespace
}  // namespace xmas
