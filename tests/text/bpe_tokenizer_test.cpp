// Byte-level BPE on small hand-made tokenizer.json files (the real files are
// checked against HF's JS tokenizers by the oracle_js tests).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "xmas/text/bpe_model.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/atomic_file.h"

namespace xmas::text {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Ids = std::vector<int32_t>;

// A GPT-2-style tokenizer: the 256 byte tokens (ids 0-255 in byte order),
// merges "Ġ t" -> 256, "h e" -> 257, "Ġt he" -> 258, and "<|end|>" (259,
// special) and "<pad>" (260).
Json TinyBpe() {
  Json vocab = Json::object();
  for (int b = 0; b < 256; ++b) vocab[ByteToUnicode(static_cast<uint8_t>(b))] = b;
  vocab["Ġt"] = 256;
  vocab["he"] = 257;
  vocab["Ġthe"] = 258;
  return {{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"Ġ t", "h e", "Ġt he"}}}},
          {"added_tokens",
           {{{"id", 259}, {"content", "<|end|>"}, {"special", true}},
            {{"id", 260}, {"content", "<pad>"}, {"special", true}, {"lstrip", true}}}},
          {"normalizer", nullptr},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
          {"decoder", {{"type", "ByteLevel"}}}};
}

class BpeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xmas_bpe_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const Json& tokenizer, const Json& config = nullptr) {
    EXPECT_TRUE(WriteFileAtomic((dir_ / "tokenizer.json").string(), tokenizer.dump()).ok());
    if (!config.is_null()) {
      EXPECT_TRUE(WriteFileAtomic((dir_ / "tokenizer_config.json").string(), config.dump()).ok());
    }
    return (dir_ / "tokenizer.json").string();
  }
  Ids Encode(const Tokenizer& tok, const std::string& text) {
    auto ids = tok.Encode(text);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : Ids{};
  }
  fs::path dir_;
};

TEST_F(BpeTest, MergesByRankAndSplitsByGpt2Pattern) {
  auto tok = Tokenizer::Load(Write(TinyBpe(), {{"eos_token", "<|end|>"}}));
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ(tok->kind(), Tokenizer::Kind::kByteLevelBpe);
  EXPECT_EQ(tok->vocab_size(), 261);
  // "the the": "t" "he" (no merge "t he"), then " the" -> "Ġt" "he" -> "Ġthe".
  EXPECT_EQ(Encode(*tok, "the the"), (Ids{'t', 257, 258}));
  // Digits split from letters; bytes of "é" are their own tokens (0xC3 0xA9).
  EXPECT_EQ(Encode(*tok, "a1é"), (Ids{'a', '1', 0xC3, 0xA9}));
  EXPECT_EQ(tok->Decode(Encode(*tok, "the théâtre 12<|end|>")).value(), "the théâtre 12");
}

TEST_F(BpeTest, AddedTokensAreCutOutFirstWithTheirStripFlags) {
  auto tok = Tokenizer::Load(Write(TinyBpe(), {{"eos_token", "<|end|>"}, {"pad_token", "<pad>"}}));
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ(tok->eos_id(), 259);
  EXPECT_EQ(tok->pad_id(), 260);
  EXPECT_EQ(tok->bos_id(), -1);
  EXPECT_FALSE(tok->adds_bos());
  EXPECT_EQ(Encode(*tok, "the<|end|> the"), (Ids{'t', 257, 259, 258}));
  // "<pad>" has lstrip: the spaces before it belong to it.
  EXPECT_EQ(Encode(*tok, "a  <pad>b"), (Ids{'a', 260, 'b'}));
  EXPECT_EQ(Encode(*tok, "<|end|"), (Ids{'<', '|', 'e', 'n', 'd', '|'}));
}

TEST_F(BpeTest, BosFromConfigOrPostProcessor) {
  Json t = TinyBpe();
  t["added_tokens"].push_back({{"id", 261}, {"content", "<s>"}, {"special", true}});
  t["post_processor"] = {{"type", "TemplateProcessing"},
                         {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                     {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}}};
  auto with_post = Tokenizer::Load(Write(t, {{"eos_token", "<|end|>"}, {"bos_token", "<s>"}}));
  ASSERT_TRUE(with_post.ok()) << with_post.status().ToString();
  EXPECT_EQ(with_post->bos_id(), 261);
  EXPECT_TRUE(with_post->adds_bos());
  auto off = Tokenizer::Load(
      Write(t, {{"eos_token", "<|end|>"}, {"bos_token", {{"content", "<s>"}}}, {"add_bos_token", false}}));
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->adds_bos());
}

TEST_F(BpeTest, FolderPrefersTokenizerModelAndNamesWhatIsMissing) {
  Write(TinyBpe(), {{"eos_token", "<|end|>"}});
  auto bpe = Tokenizer::Load(dir_.string());
  ASSERT_TRUE(bpe.ok()) << bpe.status().ToString();
  EXPECT_EQ(bpe->kind(), Tokenizer::Kind::kByteLevelBpe);
  fs::copy_file(std::string(XMAS_TEST_DATA_DIR) + "/text/tiny.model", dir_ / "tokenizer.model");
  auto spm = Tokenizer::Load(dir_.string());
  ASSERT_TRUE(spm.ok()) << spm.status().ToString();
  EXPECT_EQ(spm->kind(), Tokenizer::Kind::kSentencePiece);
  fs::remove(dir_ / "tokenizer.model");
  fs::remove(dir_ / "tokenizer.json");
  auto none = Tokenizer::Load(dir_.string());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no tokenizer.model or tokenizer.json"), std::string::npos);
}

TEST_F(BpeTest, UnsupportedFilesAreRefusedNamingTheField) {
  const Json config = {{"eos_token", "<|end|>"}};
  auto refused = [&](Json t, const std::string& field) {
    auto tok = Tokenizer::Load(Write(t, config));
    ASSERT_FALSE(tok.ok()) << field;
    EXPECT_NE(tok.status().message().find(field), std::string::npos) << tok.status().message();
    EXPECT_NE(tok.status().message().find("tokenizer.json"), std::string::npos);
  };
  Json t = TinyBpe();
  t["model"]["byte_fallback"] = true;
  refused(t, "model.byte_fallback");
  t = TinyBpe();
  t["model"]["type"] = "WordPiece";
  refused(t, "model.type");
  t = TinyBpe();
  t["normalizer"] = {{"type", "Lowercase"}};
  refused(t, "normalizer.type");
  t = TinyBpe();
  t["pre_tokenizer"] = {{"type", "Metaspace"}};
  refused(t, "pre_tokenizer.type");
  t = TinyBpe();
  t["model"]["merges"].push_back("x yz");
  refused(t, "model.merges");
  auto no_eos = Tokenizer::Load(Write(TinyBpe(), {{"eos_token", "<none>"}}));
  ASSERT_FALSE(no_eos.ok());
  EXPECT_NE(no_eos.status().message().find("eos_token"), std::string::npos);
}

}  // namespace
}  // namespace xmas::text
