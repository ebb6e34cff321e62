#include "xmas/text/tokenizer_train.h"

#include <sentencepiece_trainer.h>

#include <unordered_map>

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::text {
namespace {

constexpr const char* kMarker = "<image>";

class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& sentences) : sentences_(sentences) {}
  bool done() const override { return i_ >= sentences_.size(); }
  void Next() override { ++i_; }
  const std::string& value() const override { return sentences_[i_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& sentences_;
  size_t i_ = 0;
};

}  // namespace

std::string StripImageMarkers(const std::string& text) {
  const std::string marker = kMarker;
  if (text.find(marker) == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (size_t hit; (hit = text.find(marker, pos)) != std::string::npos; pos = hit + marker.size()) {
    out.append(text, pos, hit - pos);
  }
  out.append(text, pos, std::string::npos);
  // Like LLaVA's preprocessing: the text around a removed marker is stripped.
  const char* space = " \t\n\r";
  size_t first = out.find_first_not_of(space);
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(space) - first + 1);
}

Result<std::string> TrainTokenizerToProto(const std::vector<std::string>& sentences,
                                          const TokenizerTrainOptions& options) {
  if (sentences.empty()) return Status::InvalidInput("tokenizer training: no text to train on");
  if (options.vocab_size < 8) {
    return Status::Usage("tokenizer training: --vocab must be at least 8, got " +
                         std::to_string(options.vocab_size));
  }
  std::unordered_map<std::string, std::string> args = {
      {"vocab_size", std::to_string(options.vocab_size)},
      {"model_type", options.model_type},
      {"hard_vocab_limit", "false"},
      {"character_coverage", "1.0"},
      // No Unicode normalisation table (as in Llama's tokenizer): keeps the
      // .model small and the text as written.
      {"normalization_rule_name", "identity"},
      {"byte_fallback", options.byte_fallback ? "true" : "false"},
      {"unk_id", "0"},
      {"bos_id", "1"},
      {"eos_id", "2"},
      {"pad_id", "3"},
      {"num_threads", std::to_string(options.num_threads)},
      {"max_sentence_length", "16384"},
      // Keep every sentence (no random sampling) so training is repeatable.
      {"input_sentence_size", "0"},
      {"shuffle_input_sentence", "false"},
      {"minloglevel", log::Enabled(log::Level::kDebug) ? "0" : "2"},
  };
  VectorIterator it(sentences);
  std::string proto;
  log::Info("training a ", options.model_type, " tokenizer (vocab ", options.vocab_size, ") on ",
            sentences.size(), " sentences");
  auto st = sentencepiece::SentencePieceTrainer::Train(args, &it, &proto);
  if (!st.ok()) {
    return Status::InvalidInput("tokenizer training failed: " + st.ToString() +
                                (options.byte_fallback ? " (byte fallback needs 256 extra pieces)" : ""));
  }
  return proto;
}

Status TrainTokenizer(const std::vector<std::string>& sentences,
                      const TokenizerTrainOptions& options, const std::string& out_path) {
  XMAS_ASSIGN_OR_RETURN(std::string proto, TrainTokenizerToProto(sentences, options));
  return WriteFileAtomic(out_path, proto);
}

}  // namespace xmas::text
