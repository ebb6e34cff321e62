#include "xmas/text/tokenizer_train.h"

#include <unordered_map>

#include "xmas/text/sentencepiece_api.h"

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::text {
namespace {

constexpr const char* kMarker = "<image>";


}  // namespace

namespace {

// Whether the UTF-8 character at `p` (of `n` bytes) is Python whitespace
// (str.isspace); sets `len` to its length.
bool PyIsSpaceAt(const unsigned char* p, size_t n, size_t* len) {
  uint32_t cp = p[0];
  *len = 1;
  if (cp >= 0xC0 && cp < 0xE0 && n >= 2) {
    cp = ((cp & 0x1F) << 6) | (p[1] & 0x3F);
    *len = 2;
  } else if (cp >= 0xE0 && cp < 0xF0 && n >= 3) {
    cp = ((cp & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    *len = 3;
  }
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

}  // namespace

std::string PyStrip(const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t begin = 0, end = text.size(), len = 0;
  while (begin < end && PyIsSpaceAt(p + begin, end - begin, &len)) begin += len;
  while (end > begin) {  // step back one UTF-8 character
    size_t start = end - 1;
    while (start > begin && (p[start] & 0xC0) == 0x80) --start;
    if (!PyIsSpaceAt(p + start, end - start, &len) || start + len != end) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

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
  return PyStrip(out);
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
  if (options.keep_whitespace) {  // else SentencePiece's defaults (and their serialized form)
    args["remove_extra_whitespaces"] = "false";
    args["allow_whitespace_only_pieces"] = "true";
  }
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
