// A tokenizer plus the ids the chat templates need: SentencePiece or HF
// byte-level BPE (bpe_model.h), chosen from the files given.
//
// Load(path) takes
//   - a SentencePiece `.model` file (one trained with `xmas tokenizer train`,
//     or a Llama-family tokenizer.model);
//   - a HF `tokenizer.json` (byte-level BPE: GPT-2, Phi-2, StableLM-2,
//     Llama-3, Qwen2/2.5/3), with tokenizer_config.json read from beside it;
//   - a model folder: its tokenizer.model if there is one (Llama-2-family
//     folders carry both files; the .model is the reference there), else its
//     tokenizer.json.
// Special ids:
//   bos, eos  SentencePiece: the model's own control pieces, which plain text
//             never encodes to. BPE: tokenizer_config.json's bos_token /
//             eos_token; bos is -1 when the tokenizer has none (Qwen2), and
//             special tokens written in the text encode to their ids, as in
//             HF's tokenizer(text).
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

class BpeTokenizer;  // bpe_model.h

class Tokenizer {
 public:
  enum class Kind { kSentencePiece, kByteLevelBpe };

  // Loads a `.model`, a `tokenizer.json` or a folder (above). Errors name the file.
  static Result<Tokenizer> Load(const std::string& model_path);
  // The file Load(dir) would read in folder `dir` (tokenizer.model, else
  // tokenizer.json); "" when it holds neither.
  static std::string FileInFolder(const std::string& dir);
  // Loads a serialized ModelProto held in memory (`name` is used in errors).
  static Result<Tokenizer> FromSerialized(std::string_view model_proto, const std::string& name);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Text -> ids, without an added BOS/EOS: HF's tokenizer(text,
  // add_special_tokens=False). Special tokens written in the text ("</s>",
  // "<|im_end|>") become their ids. SentencePiece treats the start of `text`
  // and of the text after each special token as a word start (a dummy "▁"
  // prefix; HF's legacy=True behaviour).
  Result<std::vector<int32_t>> Encode(std::string_view text) const;
  // Ids -> text. Control ids (bos/eos/pad) and the image id are dropped.
  Result<std::string> Decode(const std::vector<int32_t>& ids) const;
  // The piece of one id ("<image>" for image_id(), "" when out of range).
  std::string Piece(int32_t id) const;

  Kind kind() const { return kind_; }
  // Whether HF's tokenizer(text) puts BOS first (SentencePiece: always;
  // BPE: tokenizer_config's add_bos_token, else the post-processor).
  bool adds_bos() const { return adds_bos_; }
  // A one-line description ("byte-level BPE (tokenizer.json), vocabulary N").
  std::string Describe() const;

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
  static Result<Tokenizer> LoadBpe(const std::string& tokenizer_json);
  Status InitBpe(const std::string& name);
  Status EncodeSpm(std::string_view text, std::vector<int32_t>* out) const;

  Kind kind_ = Kind::kSentencePiece;
  bool adds_bos_ = true;
  std::unique_ptr<XmasSpm, SpmDeleter> sp_;
  std::unique_ptr<BpeTokenizer> bpe_;
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
