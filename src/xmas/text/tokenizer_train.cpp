#include "xmas/text/tokenizer_train.h"

#include <unordered_map>

#include "xmas/text/sentencepiece_api.h"

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::text {
namespace {

constexpr const char* kMarker = "<image>";


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
  XMAS_ASSIGN_OR_RETURN(const SentencePieceApi* api, GetSentencePieceApi());
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : args) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  std::vector<const char*> texts;
  std::vector<size_t> lengths;
  for (const std::string& sentence : sentences) {
    texts.push_back(sentence.data());
    lengths.push_back(sentence.size());
  }
  log::Info("training a ", options.model_type, " tokenizer (vocab ", options.vocab_size, ") on ",
            sentences.size(), " sentences");
  char* proto = nullptr;
  size_t proto_len = 0;
  char* error = nullptr;
  if (api->train(keys.data(), values.data(), keys.size(), texts.data(), lengths.data(),
                 texts.size(), &proto, &proto_len, &error) != 0) {
    std::string why = error != nullptr ? error : "unknown error";
    api->free_buffer(error);
    return Status::InvalidInput("tokenizer training failed: " + why +
                                (options.byte_fallback ? " (byte fallback needs 256 extra pieces)" : ""));
  }
  std::string out(proto, proto_len);
  api->free_buffer(proto);
  return out;
}

Status TrainTokenizer(const std::vector<std::string>& sentences,
                      const TokenizerTrainOptions& options, const std::string& out_path) {
  XMAS_ASSIGN_OR_RETURN(std::string proto, TrainTokenizerToProto(sentences, options));
  return WriteFileAtomic(out_path, proto);
}

}  // namespace xmas::text
