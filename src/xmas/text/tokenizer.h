// A SentencePiece tokenizer plus the ids the chat templates need.
//
// Any SentencePiece `.model` file loads (one trained with `xmas tokenizer
// train`, or a Llama-family tokenizer.model). Special ids:
//   bos, eos  the model's own control pieces; plain text never encodes to them.
//   pad       the model's pad piece if it has one, else unk (LLaVA v1 pads
//             with unk too). Padding is always masked, so its value is inert.
//   image     = vocab_size(): one past the SentencePiece vocabulary, so no
//             text can ever produce it. A language model built on this
//             tokenizer therefore needs an embedding table of
//             embedding_rows() = vocab_size() + 1 rows (the last row is never
//             looked up in practice: image positions receive projected vision
//             features instead of embeddings).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/util/status.h"

struct XmasSpm;  // sentencepiece_shim.h

namespace xmas::text {

class Tokenizer {
 public:
  // Loads a `.model` file. Errors name the file.
  static Result<Tokenizer> Load(const std::string& model_path);
  // Loads a serialized ModelProto held in memory (`name` is used in errors).
  static Result<Tokenizer> FromSerialized(std::string_view model_proto, const std::string& name);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Text -> ids, without BOS/EOS. SentencePiece treats the start of `text` as
  // a word start (a dummy "▁" prefix), so encoding "a" and "b" separately
  // differs from encoding "ab"; the chat templates rely on this being stable.
  Result<std::vector<int32_t>> Encode(std::string_view text) const;
  // Ids -> text. Control ids (bos/eos/pad) and the image id are dropped.
  Result<std::string> Decode(const std::vector<int32_t>& ids) const;
  // The piece of one id ("<image>" for image_id(), "" when out of range).
  std::string Piece(int32_t id) const;

  int32_t vocab_size() const { return vocab_size_; }
  int32_t embedding_rows() const { return vocab_size_ + 1; }
  int32_t bos_id() const { return bos_id_; }
  int32_t eos_id() const { return eos_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t unk_id() const { return unk_id_; }
  int32_t image_id() const { return vocab_size_; }
  const std::string& name() const { return name_; }

 private:
  struct SpmDeleter {
    void operator()(XmasSpm* spm) const;
  };
  Tokenizer();
  Status Init(const std::string& name);

  std::unique_ptr<XmasSpm, SpmDeleter> sp_;
  std::string name_;
  int32_t vocab_size_ = 0;
  int32_t bos_id_ = -1;
  int32_t eos_id_ = -1;
  int32_t pad_id_ = -1;
  int32_t unk_id_ = -1;
};

// One line per id, "<position>\t<id>\t<piece>", for `xmas tokenizer encode`.
std::string FormatTokens(const Tokenizer& tokenizer, const std::vector<int32_t>& ids);

}  // namespace xmas::text
