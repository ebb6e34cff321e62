// Reading tokenizer.json / tokenizer_config.json into a BpeSpec.
#include <nlohmann/json.hpp>

#include "xmas/text/bpe_model.h"
#include "xmas/util/atomic_file.h"

namespace xmas::text {
namespace {

using Json = nlohmann::json;

// GPT-2's pattern, which ByteLevel applies when use_regex is true.
constexpr char kGpt2Pattern[] =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  Status Error(const std::string& field, const std::string& what) const {
    return Status::InvalidInput(file_ + ": field '" + field + "': " + what);
  }
  Status Unsupported(const std::string& field, const std::string& got,
                     const std::string& supported) const {
    return Error(field, "'" + got + "' is not supported (supported: " + supported + ")");
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

Result<Json> ParseFile(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  Json doc = Json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidInput(path + ": not a JSON object");
  }
  return doc;
}

std::string TypeOf(const Json& node) {
  return node.is_object() && node.contains("type") && node["type"].is_string()
             ? node["type"].get<std::string>()
             : "";
}

// HF's Oniguruma reads \s as White_Space; ICU's \s is narrower, so spell it.
std::string ToIcuPattern(const std::string& pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      char c = pattern[i + 1];
      if (c == 's') out += "\\p{White_Space}";
      else if (c == 'S') out += "\\P{White_Space}";
      else out += pattern.substr(i, 2);
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

// Null and "Sequence" nodes: nothing, or `read` on each member (the list
// under `members`). Returns whether `node` was one of those.
template <typename F>
Result<bool> ReadComposite(const Json& node, const char* members, F read) {
  if (node.is_null()) return true;
  if (TypeOf(node) != "Sequence" || !node.contains(members)) return false;
  for (const Json& n : node[members]) XMAS_RETURN_IF_ERROR(read(n));
  return true;
}

Status ReadNormalizer(const Reader& r, const Json& node, PreTokenizerSpec* pre) {
  XMAS_ASSIGN_OR_RETURN(bool done, ReadComposite(node, "normalizers", [&](const Json& n) {
                          return ReadNormalizer(r, n, pre);
                        }));
  if (done) return Status::Ok();
  const std::string type = TypeOf(node);
  if (type == "NFC") pre->normalizer = PreTokenizerSpec::Normalizer::kNfc;
  else if (type == "NFKC") pre->normalizer = PreTokenizerSpec::Normalizer::kNfkc;
  else return r.Unsupported("normalizer.type", type, "null, NFC, NFKC, Sequence of those");
  return Status::Ok();
}

Status ReadSplit(const Reader& r, const Json& node, PreTokenizerSpec* pre) {
  PreTokenizerSpec::Split split;
  const Json& pattern = node.value("pattern", Json());
  if (pattern.contains("Regex") && pattern["Regex"].is_string()) {
    split.pattern = ToIcuPattern(pattern["Regex"].get<std::string>());
  } else if (pattern.contains("String") && pattern["String"].is_string()) {
    split.pattern = pattern["String"].get<std::string>();
    split.literal = true;
  } else {
    return r.Error("pre_tokenizer.pattern", "expected {\"Regex\": ...} or {\"String\": ...}");
  }
  const std::string behavior = node.value("behavior", "");
  if (behavior == "Removed") split.remove = true;
  else if (behavior != "Isolated") return r.Unsupported("pre_tokenizer.behavior", behavior, "Isolated, Removed");
  if (node.value("invert", false)) return r.Unsupported("pre_tokenizer.invert", "true", "false");
  pre->splits.push_back(std::move(split));
  return Status::Ok();
}

Status ReadPreTokenizer(const Reader& r, const Json& node, PreTokenizerSpec* pre) {
  XMAS_ASSIGN_OR_RETURN(bool done, ReadComposite(node, "pretokenizers", [&](const Json& n) {
                          return ReadPreTokenizer(r, n, pre);
                        }));
  if (done) return Status::Ok();
  const std::string type = TypeOf(node);
  if (type == "Split") return ReadSplit(r, node, pre);
  if (type == "ByteLevel") {
    pre->add_prefix_space = node.value("add_prefix_space", false);
    if (pre->add_prefix_space && !pre->splits.empty()) {
      return r.Unsupported("pre_tokenizer.add_prefix_space", "true after a Split",
                           "add_prefix_space on a leading ByteLevel only");
    }
    if (node.value("use_regex", true)) pre->splits.push_back({kGpt2Pattern, false, false});
    return Status::Ok();
  }
  return r.Unsupported("pre_tokenizer.type", type, "ByteLevel, Split, Sequence of those");
}

Status ReadModel(const Reader& r, const Json& model, BpeSpec* spec) {
  if (TypeOf(model) != "BPE") return r.Unsupported("model.type", TypeOf(model), "BPE");
  if (!model.value("dropout", Json()).is_null()) return r.Unsupported("model.dropout", "set", "null");
  if (model.value("byte_fallback", false)) {
    return r.Unsupported("model.byte_fallback", "true", "false (byte-level BPE)");
  }
  const std::string suffix = model.value("end_of_word_suffix", Json()).is_string()
                                 ? model["end_of_word_suffix"].get<std::string>() : "";
  if (!suffix.empty()) return r.Unsupported("model.end_of_word_suffix", suffix, "empty");
  spec->ignore_merges = model.value("ignore_merges", false);
  if (!model.contains("vocab") || !model["vocab"].is_object()) return r.Error("model.vocab", "missing");
  for (const auto& [piece, id] : model["vocab"].items()) {
    if (!id.is_number_integer()) return r.Error("model.vocab", "id of '" + piece + "' is not an integer");
    spec->vocab.emplace(piece, id.get<int32_t>());
  }
  if (!model.contains("merges") || !model["merges"].is_array()) return r.Error("model.merges", "missing");
  spec->merges.reserve(model["merges"].size());
  for (const Json& m : model["merges"]) {
    if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      spec->merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
      continue;
    }
    const std::string s = m.is_string() ? m.get<std::string>() : "";
    const size_t space = s.find(' ');
    if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
      return r.Error("model.merges", "merge " + std::to_string(spec->merges.size()) +
                                         " is not \"a b\" nor [a, b]");
    }
    spec->merges.emplace_back(s.substr(0, space), s.substr(space + 1));
  }
  return Status::Ok();
}

Status ReadAddedTokens(const Reader& r, const Json& list, BpeSpec* spec) {
  if (list.is_null()) return Status::Ok();
  for (const Json& t : list) {
    if (!t.contains("id") || !t.contains("content")) return r.Error("added_tokens", "entry without id/content");
    if (t.value("single_word", false)) {
      return r.Unsupported("added_tokens.single_word", "true", "false");
    }
    spec->added.push_back({t["id"].get<int32_t>(), t["content"].get<std::string>(),
                           t.value("special", false), t.value("lstrip", false),
                           t.value("rstrip", false)});
  }
  return Status::Ok();
}

// A token in tokenizer_config.json: a string, {"content": ...} or null.
std::string TokenContent(const Json& config, const char* key) {
  if (!config.contains(key)) return "";
  const Json& v = config[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    return v["content"].get<std::string>();
  }
  return "";
}

// Whether a TemplateProcessing post-processor puts `bos` first.
bool PostAddsBos(const Json& post, const std::string& bos) {
  if (bos.empty() || !post.is_object()) return false;
  if (TypeOf(post) == "Sequence" && post.contains("processors")) {
    for (const Json& p : post["processors"]) {
      if (PostAddsBos(p, bos)) return true;
    }
    return false;
  }
  if (TypeOf(post) != "TemplateProcessing" || !post.contains("single")) return false;
  const Json& single = post["single"];
  return single.is_array() && !single.empty() && single[0].contains("SpecialToken") &&
         single[0]["SpecialToken"].value("id", "") == bos;
}

}  // namespace

Result<BpeSpec> ReadBpeSpec(const std::string& tokenizer_json, const std::string& config_json) {
  Reader r(tokenizer_json);
  XMAS_ASSIGN_OR_RETURN(Json doc, ParseFile(tokenizer_json));
  BpeSpec spec;
  XMAS_RETURN_IF_ERROR(ReadModel(r, doc.value("model", Json()), &spec));
  XMAS_RETURN_IF_ERROR(ReadAddedTokens(r, doc.value("added_tokens", Json()), &spec));
  XMAS_RETURN_IF_ERROR(ReadNormalizer(r, doc.value("normalizer", Json()), &spec.pre));
  XMAS_RETURN_IF_ERROR(ReadPreTokenizer(r, doc.value("pre_tokenizer", Json()), &spec.pre));
  const std::string decoder = TypeOf(doc.value("decoder", Json()));
  if (!decoder.empty() && decoder != "ByteLevel") {
    return r.Unsupported("decoder.type", decoder, "ByteLevel (byte-level BPE)");
  }
  if (config_json.empty()) return spec;
  XMAS_ASSIGN_OR_RETURN(Json config, ParseFile(config_json));
  spec.bos = TokenContent(config, "bos_token");
  spec.eos = TokenContent(config, "eos_token");
  spec.pad = TokenContent(config, "pad_token");
  spec.unk = TokenContent(config, "unk_token");
  if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean()) {
    spec.add_bos = config["add_bos_token"].get<bool>() ? 1 : 0;
  }
  spec.post_adds_bos = PostAddsBos(doc.value("post_processor", Json()), spec.bos);
  return spec;
}

}  // namespace xmas::text
