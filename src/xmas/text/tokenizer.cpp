#include "xmas/text/tokenizer.h"

#include <cstdlib>
#include <filesystem>

#include "xmas/text/bpe_model.h"
#include "xmas/text/sentencepiece_api.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"

namespace xmas::text {
namespace {

// The shim is loaded before any Tokenizer exists (FromSerialized), so this
// cannot fail afterwards.
const SentencePieceApi& Api() { return *GetSentencePieceApi().value(); }

// Takes ownership of a shim error string.
std::string TakeError(char* error) {
  std::string text = error != nullptr ? error : "unknown error";
  if (error != nullptr) Api().free_buffer(error);
  return text;
}

}  // namespace

void Tokenizer::SpmDeleter::operator()(XmasSpm* spm) const { Api().free_model(spm); }

Tokenizer::Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::string Tokenizer::FileInFolder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& file : {files::TokenizerPath(dir), files::HfTokenizerPath(dir)}) {
    if (fs::is_regular_file(file, ec)) return file;
  }
  return "";
}

Result<Tokenizer> Tokenizer::Load(const std::string& model_path) {
  namespace fs = std::filesystem;
  std::string path = model_path;
  if (fs::is_directory(path)) {
    path = FileInFolder(model_path);
    if (path.empty()) return Status::NotFound(model_path + ": no tokenizer.model or tokenizer.json in the folder");
  }
  if (fs::path(path).extension() == ".json") return LoadBpe(path);
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return FromSerialized(bytes, path);
}

Result<Tokenizer> Tokenizer::LoadBpe(const std::string& tokenizer_json) {
  namespace fs = std::filesystem;
  const fs::path config = files::HfTokenizerConfigPath(fs::path(tokenizer_json).parent_path().string());
  Tokenizer tok;
  XMAS_ASSIGN_OR_RETURN(tok.bpe_, BpeTokenizer::Load(tokenizer_json, fs::exists(config) ? config.string() : ""));
  XMAS_RETURN_IF_ERROR(tok.InitBpe(tokenizer_json));
  return tok;
}

Status Tokenizer::InitBpe(const std::string& name) {
  name_ = name;
  kind_ = Kind::kByteLevelBpe;
  const BpeSpec& spec = bpe_->spec();
  vocab_size_ = bpe_->size();
  auto find = [&](const std::string& token, const char* key, int32_t* id) {
    *id = token.empty() ? -1 : bpe_->Find(token);
    if (!token.empty() && *id < 0) {
      return Status::InvalidInput(name + ": tokenizer_config.json field '" + key + "': '" + token +
                                  "' is not a token of the tokenizer");
    }
    return Status::Ok();
  };
  XMAS_RETURN_IF_ERROR(find(spec.bos, "bos_token", &bos_id_));
  XMAS_RETURN_IF_ERROR(find(spec.eos, "eos_token", &eos_id_));
  XMAS_RETURN_IF_ERROR(find(spec.pad, "pad_token", &pad_id_));
  XMAS_RETURN_IF_ERROR(find(spec.unk, "unk_token", &unk_id_));
  if (eos_id_ < 0) {
    return Status::InvalidInput(name + ": no eos_token (tokenizer_config.json beside it gives it)");
  }
  if (pad_id_ < 0) pad_id_ = unk_id_ >= 0 ? unk_id_ : eos_id_;
  adds_bos_ = bos_id_ >= 0 && (spec.add_bos >= 0 ? spec.add_bos == 1 : spec.post_adds_bos);
  return Status::Ok();
}

std::string Tokenizer::Describe() const {
  return std::string(kind_ == Kind::kByteLevelBpe ? "byte-level BPE (tokenizer.json)"
                                                  : "SentencePiece (tokenizer.model)") +
         ", vocabulary " + std::to_string(vocab_size_) + " (bos " + std::to_string(bos_id_) +
         (adds_bos_ ? " added" : "") + ", eos " + std::to_string(eos_id_) + ", pad " +
         std::to_string(pad_id_) + ")";
}

Result<Tokenizer> Tokenizer::FromSerialized(std::string_view model_proto, const std::string& name) {
  XMAS_ASSIGN_OR_RETURN(const SentencePieceApi* api, GetSentencePieceApi());
  Tokenizer tok;
  char* error = nullptr;
  tok.sp_.reset(api->load(model_proto.data(), model_proto.size(), &error));
  if (!tok.sp_) {
    return Status::InvalidInput(name + ": not a SentencePiece model: " + TakeError(error));
  }
  XMAS_RETURN_IF_ERROR(tok.Init(name));
  return tok;
}

Status Tokenizer::Init(const std::string& name) {
  name_ = name;
  const SentencePieceApi& api = Api();
  vocab_size_ = api.piece_size(sp_.get());
  bos_id_ = api.special_id(sp_.get(), XMAS_SPM_BOS);
  eos_id_ = api.special_id(sp_.get(), XMAS_SPM_EOS);
  unk_id_ = api.special_id(sp_.get(), XMAS_SPM_UNK);
  const int32_t pad = api.special_id(sp_.get(), XMAS_SPM_PAD);
  pad_id_ = pad >= 0 ? pad : unk_id_;
  // The templates need both ends of a sequence; a model trained with
  // bos_id=-1 or eos_id=-1 cannot mark them.
  if (bos_id_ < 0 || eos_id_ < 0) {
    return Status::InvalidInput(name + ": the SentencePiece model has no BOS or EOS piece");
  }
  if (pad_id_ < 0) pad_id_ = eos_id_;
  return Status::Ok();
}

Result<std::vector<int32_t>> Tokenizer::Encode(std::string_view text) const {
  if (bpe_) return bpe_->Encode(text);
  // As HF's LlamaTokenizer: BOS/EOS/UNK written in the text ("</s>" in a
  // llava_v1 prompt) are their ids; the text between them is encoded piece
  // by piece, each starting a word (HF's legacy behaviour).
  const int32_t special_ids[] = {eos_id_, bos_id_, unk_id_};
  const std::string specials[] = {Piece(eos_id_), Piece(bos_id_), Piece(unk_id_)};
  std::vector<int32_t> out;
  size_t segment = 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    for (int k = 0; k < 3; ++k) {
      if (specials[k].empty() || text.compare(pos, specials[k].size(), specials[k]) != 0) continue;
      XMAS_RETURN_IF_ERROR(EncodeSpm(text.substr(segment, pos - segment), &out));
      out.push_back(special_ids[k]);
      segment = pos + specials[k].size();
      pos = segment - 1;
      break;
    }
  }
  XMAS_RETURN_IF_ERROR(EncodeSpm(text.substr(segment), &out));
  return out;
}

Status Tokenizer::EncodeSpm(std::string_view text, std::vector<int32_t>* out) const {
  if (text.empty()) return Status::Ok();
  int* ids = nullptr;
  size_t count = 0;
  char* error = nullptr;
  if (Api().encode(sp_.get(), text.data(), text.size(), &ids, &count, &error) != 0) {
    return Status::InvalidInput(name_ + ": cannot encode text: " + TakeError(error));
  }
  out->insert(out->end(), ids, ids + count);
  Api().free_buffer(ids);
  return Status::Ok();
}

Result<std::string> Tokenizer::Decode(const std::vector<int32_t>& ids) const {
  if (bpe_) return bpe_->Decode(ids);
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size_) continue;  // the image id, padding labels
    kept.push_back(id);
  }
  char* text = nullptr;
  size_t length = 0;
  char* error = nullptr;
  if (Api().decode(sp_.get(), kept.data(), kept.size(), &text, &length, &error) != 0) {
    return Status::InvalidInput(name_ + ": cannot decode ids: " + TakeError(error));
  }
  std::string out(text, length);
  Api().free_buffer(text);
  return out;
}

std::string Tokenizer::Piece(int32_t id) const {
  if (id == image_id()) return "<image>";
  if (id < 0 || id >= vocab_size_) return "";
  if (bpe_) return bpe_->Piece(id);
  char* piece = Api().id_to_piece(sp_.get(), id);
  std::string out = piece != nullptr ? piece : "";
  Api().free_buffer(piece);
  return out;
}

std::string FormatTokens(const Tokenizer& tokenizer, const std::vector<int32_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    out += std::to_string(i) + "\t" + std::to_string(ids[i]) + "\t" + tokenizer.Piece(ids[i]) + "\n";
  }
  return out;
}

}  // namespace xmas::text
