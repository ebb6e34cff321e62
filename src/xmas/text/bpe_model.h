// Byte-level BPE from a Hugging Face `tokenizer.json` (GPT-2, Phi-2,
// StableLM-2, Llama-3, Qwen2/2.5/3), reproducing HF `tokenizers`' encoding:
//
//   1. added tokens (special or not) are cut out of the raw text first,
//      leftmost-longest, honouring their lstrip/rstrip flags;
//   2. each remaining segment is normalised (none, NFC or NFKC);
//   3. pre-tokenised: `Split` by the tokenizer's own regex (GPT-2's, Llama-3's
//      and Qwen2's patterns are the common ones) and/or `ByteLevel` (GPT-2's
//      regex when use_regex, a leading space when add_prefix_space), then
//      every byte mapped to GPT-2's printable byte alphabet;
//   4. each piece merged by rank (lowest first, leftmost on ties); with
//      ignore_merges a piece that is itself in the vocabulary is one token.
//
// The regex runs on ICU with `\s`/`\S` read as Unicode White_Space, which is
// what the Rust library's Oniguruma does (JavaScript's `\s` differs at U+0085
// and U+FEFF). Anything else in the file (other models, normalizers,
// pre-tokenizers, BPE dropout, byte fallback) is refused at load with a line
// naming the field and what is supported.
//
// tokenizer_config.json beside the file gives bos/eos/pad/unk tokens and
// add_bos_token; without that key, BOS is added when the post-processor is a
// TemplateProcessing that starts with the BOS token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::text {

// One token of the vocabulary added on top of BPE (tokenizer.json's
// "added_tokens").
struct AddedToken {
  int32_t id = -1;
  std::string content;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
};

// The pre-tokenisation steps of one tokenizer.json (parsed, not compiled).
struct PreTokenizerSpec {
  enum class Normalizer { kNone, kNfc, kNfkc };
  struct Split {
    std::string pattern;  // ICU syntax (already translated)
    bool literal = false;
    bool remove = false;  // behavior "Removed" (else "Isolated")
  };
  Normalizer normalizer = Normalizer::kNone;
  std::vector<Split> splits;  // in order; a ByteLevel with use_regex adds GPT-2's
  bool add_prefix_space = false;
};

// Parsed tokenizer.json + tokenizer_config.json.
struct BpeSpec {
  std::unordered_map<std::string, int32_t> vocab;
  std::vector<std::pair<std::string, std::string>> merges;  // by rank
  bool ignore_merges = false;
  std::vector<AddedToken> added;
  PreTokenizerSpec pre;
  std::string bos, eos, pad, unk;  // token contents; "" when none
  int add_bos = -1;                // tokenizer_config's add_bos_token; -1 absent
  bool post_adds_bos = false;      // TemplateProcessing starting with bos
};

// Reads `tokenizer_json` (and `config_json` when not empty). Errors name the
// file and the field.
Result<BpeSpec> ReadBpeSpec(const std::string& tokenizer_json, const std::string& config_json);

// Normalises and pre-tokenises one segment (no added tokens in it) into
// byte-level pieces (GPT-2's byte alphabet, UTF-8). Thread-safe.
class PreTokenizer {
 public:
  static Result<std::unique_ptr<PreTokenizer>> Compile(const PreTokenizerSpec& spec,
                                                       const std::string& name);
  ~PreTokenizer();
  // Appends the pieces of `text` to `out`.
  Status Run(std::string_view text, std::vector<std::string>* out) const;

 private:
  PreTokenizer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GPT-2's byte -> printable character map (as UTF-8) and its inverse.
const std::string& ByteToUnicode(uint8_t byte);
// Appends the bytes a byte-level piece stands for; false on a character
// outside the alphabet.
bool UnicodeToBytes(std::string_view piece, std::string* out);

// A loaded byte-level BPE tokenizer. Thread-safe after Load.
class BpeTokenizer {
 public:
  // `config_json` may be empty (no tokenizer_config.json).
  static Result<std::unique_ptr<BpeTokenizer>> Load(const std::string& tokenizer_json,
                                                    const std::string& config_json);
  // Text -> ids as HF's `tokenizer(text, add_special_tokens=False)`: added
  // and special tokens written in the text become their ids.
  Result<std::vector<int32_t>> Encode(std::string_view text) const;
  // Ids -> text; special added tokens are skipped, ids out of range dropped.
  std::string Decode(const std::vector<int32_t>& ids) const;
  // The token string of an id ("" out of range).
  std::string Piece(int32_t id) const;
  // The id of a token string (vocabulary or added), -1 if none.
  int32_t Find(const std::string& token) const;

  int32_t size() const { return static_cast<int32_t>(pieces_.size()); }
  const BpeSpec& spec() const { return spec_; }

 private:
  BpeTokenizer() = default;
  Status Init(const std::string& name);
  void Merge(const std::string& piece, std::vector<int32_t>* out) const;
  Status EncodeSegment(std::string_view text, std::vector<int32_t>* out) const;

  BpeSpec spec_;
  std::unique_ptr<PreTokenizer> pre_;
  std::vector<std::string> pieces_;          // id -> token string
  std::vector<bool> special_;                // id -> special added token
  std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merges_;  // (a,b) -> (rank, id)
  std::vector<std::vector<int32_t>> added_by_byte_;  // first byte -> added ids, longest first
  std::string name_;
};

}  // namespace xmas::text
