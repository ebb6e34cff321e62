// libxmas_sentencepiece.so: see sentencepiece_shim.h. Built as its own
// shared module (never linked into libxmas) and loaded by sentencepiece_api.cpp.
#include "xmas/text/sentencepiece_shim.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

struct XmasSpm {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

char* CopyString(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out != nullptr) std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

int Fail(const sentencepiece::util::Status& status, char** error) {
  if (error != nullptr) *error = CopyString(status.ToString());
  return 1;
}

class SentenceArray : public sentencepiece::SentenceIterator {
 public:
  SentenceArray(const char* const* sentences, const size_t* lens, size_t count)
      : sentences_(sentences), lens_(lens), count_(count) { Load(); }
  bool done() const override { return index_ >= count_; }
  void Next() override {
    ++index_;
    Load();
  }
  const std::string& value() const override { return current_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void Load() {
    if (index_ < count_) current_.assign(sentences_[index_], lens_[index_]);
  }
  const char* const* sentences_;
  const size_t* lens_;
  size_t count_;
  size_t index_ = 0;
  std::string current_;
};

}  // namespace

extern "C" {

XmasSpm* xmas_spm_load(const char* proto, size_t proto_len, char** error) {
  auto* spm = new XmasSpm;
  auto status = spm->processor.LoadFromSerializedProto(std::string(proto, proto_len));
  if (!status.ok()) {
    Fail(status, error);
    delete spm;
    return nullptr;
  }
  return spm;
}

void xmas_spm_free(XmasSpm* spm) { delete spm; }
void xmas_spm_free_buffer(void* buffer) { std::free(buffer); }
int xmas_spm_piece_size(const XmasSpm* spm) { return spm->processor.GetPieceSize(); }

int xmas_spm_special_id(const XmasSpm* spm, int which) {
  switch (which) {
    case XMAS_SPM_BOS: return spm->processor.bos_id();
    case XMAS_SPM_EOS: return spm->processor.eos_id();
    case XMAS_SPM_UNK: return spm->processor.unk_id();
    case XMAS_SPM_PAD: return spm->processor.pad_id();
  }
  return -1;
}

int xmas_spm_encode(const XmasSpm* spm, const char* text, size_t text_len, int** ids,
                    size_t* num_ids, char** error) {
  std::vector<int> out;
  auto status = spm->processor.Encode(std::string_view(text, text_len), &out);
  if (!status.ok()) return Fail(status, error);
  *num_ids = out.size();
  *ids = static_cast<int*>(std::malloc(sizeof(int) * (out.empty() ? 1 : out.size())));
  if (!out.empty()) std::memcpy(*ids, out.data(), sizeof(int) * out.size());
  return 0;
}

int xmas_spm_decode(const XmasSpm* spm, const int* ids, size_t num_ids, char** text,
                    size_t* text_len, char** error) {
  std::string out;
  auto status = spm->processor.Decode(std::vector<int>(ids, ids + num_ids), &out);
  if (!status.ok()) return Fail(status, error);
  *text_len = out.size();
  *text = CopyString(out);
  return 0;
}

char* xmas_spm_id_to_piece(const XmasSpm* spm, int id) {
  return CopyString(spm->processor.IdToPiece(id));
}

int xmas_spm_train(const char* const* keys, const char* const* values, size_t num_args,
                   const char* const* sentences, const size_t* sentence_lens,
                   size_t num_sentences, char** proto, size_t* proto_len, char** error) {
  std::unordered_map<std::string, std::string> args;
  for (size_t i = 0; i < num_args; ++i) args[keys[i]] = values[i];
  SentenceArray iterator(sentences, sentence_lens, num_sentences);
  std::string model;
  auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &model);
  if (!status.ok()) return Fail(status, error);
  *proto_len = model.size();
  *proto = static_cast<char*>(std::malloc(model.empty() ? 1 : model.size()));
  if (!model.empty()) std::memcpy(*proto, model.data(), model.size());
  return 0;
}

}  // extern "C"
