#include "xmas/text/tokenizer.h"

#include <sentencepiece_processor.h>

#include "xmas/util/atomic_file.h"

namespace xmas::text {

Tokenizer::Tokenizer() : sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Result<Tokenizer> Tokenizer::Load(const std::string& model_path) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(model_path));
  return FromSerialized(bytes, model_path);
}

Result<Tokenizer> Tokenizer::FromSerialized(std::string_view model_proto, const std::string& name) {
  Tokenizer tok;
  auto st = tok.sp_->LoadFromSerializedProto(model_proto);
  if (!st.ok()) {
    return Status::InvalidInput(name + ": not a SentencePiece model: " + st.ToString());
  }
  XMAS_RETURN_IF_ERROR(tok.Init(name));
  return tok;
}

Status Tokenizer::Init(const std::string& name) {
  name_ = name;
  vocab_size_ = sp_->GetPieceSize();
  bos_id_ = sp_->bos_id();
  eos_id_ = sp_->eos_id();
  unk_id_ = sp_->unk_id();
  pad_id_ = sp_->pad_id() >= 0 ? sp_->pad_id() : unk_id_;
  // The templates need both ends of a sequence; a model trained with
  // bos_id=-1 or eos_id=-1 cannot mark them.
  if (bos_id_ < 0 || eos_id_ < 0) {
    return Status::InvalidInput(name + ": the SentencePiece model has no BOS or EOS piece");
  }
  if (pad_id_ < 0) pad_id_ = eos_id_;
  return Status::Ok();
}

Result<std::vector<int32_t>> Tokenizer::Encode(std::string_view text) const {
  std::vector<int> ids;
  auto st = sp_->Encode(text, &ids);
  if (!st.ok()) return Status::InvalidInput(name_ + ": cannot encode text: " + st.ToString());
  return std::vector<int32_t>(ids.begin(), ids.end());
}

Result<std::string> Tokenizer::Decode(const std::vector<int32_t>& ids) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size_) continue;  // the image id, padding labels
    kept.push_back(id);
  }
  std::string out;
  auto st = sp_->Decode(kept, &out);
  if (!st.ok()) return Status::InvalidInput(name_ + ": cannot decode ids: " + st.ToString());
  return out;
}

std::string Tokenizer::Piece(int32_t id) const {
  if (id == image_id()) return "<image>";
  if (id < 0 || id >= vocab_size_) return "";
  return sp_->IdToPiece(id);
}

std::string FormatTokens(const Tokenizer& tokenizer, const std::vector<int32_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    out += std::to_string(i) + "\t" + std::to_string(ids[i]) + "\t" + tokenizer.Piece(ids[i]) + "\n";
  }
  return out;
}

}  // namespace xmas::text
