#include "xmas/text/chat_template.h"

#include <algorithm>

#include "xmas/text/template_format.h"
#include "xmas/text/tokenizer_train.h"
#include "xmas/util/enum_names.h"

namespace xmas::text {

const char* const kLlavaV1System =
    "A chat between a curious human and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the human's questions.";

namespace {

enum class Role { kHuman, kGpt };

Result<Role> ParseRole(const data::Turn& turn, size_t index) {
  if (turn.from == "human" || turn.from == "user") return Role::kHuman;
  if (turn.from == "gpt" || turn.from == "assistant") return Role::kGpt;
  return Status::InvalidInput("field 'conversations': turn " + std::to_string(index) +
                              ": field 'from': expected 'human' or 'gpt', got '" + turn.from + "'");
}

// Pairs the turns into human/gpt exchanges, "<image>" markers removed.
Result<std::vector<Exchange>> ToExchanges(const std::vector<data::Turn>& turns) {
  std::vector<Exchange> out;
  for (size_t i = 0; i < turns.size(); ++i) {
    XMAS_ASSIGN_OR_RETURN(Role role, ParseRole(turns[i], i));
    Role expected = i % 2 == 0 ? Role::kHuman : Role::kGpt;
    if (role != expected) {
      return Status::InvalidInput("field 'conversations': turn " + std::to_string(i) +
                                  ": field 'from': expected '" +
                                  (expected == Role::kHuman ? "human" : "gpt") + "', got '" +
                                  turns[i].from + "' (turns must alternate, human first)");
    }
    if (role == Role::kHuman) {
      out.push_back({StripImageMarkers(turns[i].value), "", false});
    } else {
      out.back().answer = StripImageMarkers(turns[i].value);
      out.back().has_answer = true;
    }
  }
  if (out.empty()) return Status::InvalidInput("field 'conversations': no turns");
  return out;
}

Status CheckPlain(const std::vector<Exchange>& exchanges, bool has_image) {
  if (!has_image) return Status::InvalidInput("field 'image': the plain template needs an image");
  if (exchanges.size() != 1 || !exchanges[0].has_answer) {
    return Status::InvalidInput(
        "field 'conversations': the plain template needs exactly one human and one gpt turn");
  }
  return Status::Ok();
}

// Widens the reference's one image placeholder to n image_id tokens.
EncodedExample Widen(const ReferenceEncoding& ref, int32_t image_id, int64_t n) {
  EncodedExample ex;
  int64_t at = -1;
  for (size_t p = 0; p < ref.ids.size(); ++p) {
    if (ref.ids[p] == kImagePlaceholder && at < 0) {
      at = static_cast<int64_t>(p);
      ex.input_ids.insert(ex.input_ids.end(), n, image_id);
      ex.labels.insert(ex.labels.end(), n, kIgnoreLabel);
    } else {
      ex.input_ids.push_back(ref.ids[p]);
      ex.labels.push_back(ref.labels[p]);
    }
  }
  auto shift = [&](int64_t pos) { return at >= 0 && pos > at ? pos + n - 1 : pos; };
  for (TurnSpan s : ref.turns) {
    s.question_begin = shift(s.question_begin);
    s.question_end = shift(s.question_end);
    s.answer_begin = shift(s.answer_begin);
    s.answer_end = shift(s.answer_end);
    ex.turns.push_back(s);
  }
  if (at >= 0) {
    ex.image_begin = at;
    ex.image_end = at + n;
  }
  return ex;
}

// Cuts the example to max_length tokens; never inside the image block.
Status Truncate(int64_t max_length, EncodedExample* ex) {
  if (max_length <= 0 || ex->size() <= max_length) return Status::Ok();
  if (ex->has_image() && ex->image_end > max_length) {
    return Status::InvalidInput("max length " + std::to_string(max_length) +
                                " cuts the image block, which ends at token " +
                                std::to_string(ex->image_end));
  }
  ex->input_ids.resize(max_length);
  ex->labels.resize(max_length);
  ex->truncated = true;
  std::vector<TurnSpan> kept;
  for (TurnSpan s : ex->turns) {
    if (s.question_begin >= max_length) break;
    s.question_end = std::min(s.question_end, max_length);
    s.answer_begin = std::min(s.answer_begin, max_length);
    s.answer_end = std::min(s.answer_end, max_length);
    kept.push_back(s);
  }
  ex->turns = std::move(kept);
  return Status::Ok();
}

}  // namespace

int64_t EncodedExample::NumAnswerTokens() const {
  return std::count_if(labels.begin(), labels.end(), [](int32_t l) { return l != kIgnoreLabel; });
}

namespace {
// The templates: one entry each (their formats live in template_<name>.cpp).
constexpr const TemplateFormat* kTemplateFormats[] = {
    &kLlavaV1Template, &kVicunaV1Template, &kPlainTemplate,         &kPhiTemplate,  &kLlamaTemplate,
    &kQwen2BaseTemplate, &kQwen2InstructTemplate, &kGemmaTemplate, &kChatmlTemplate};
// Other names the references use for the same templates.
constexpr EnumName<TemplateKind> kTemplateAliases[] = {
    {TemplateKind::kVicunaV1, "v1"}, {TemplateKind::kPlain, "pretrain"}, {TemplateKind::kQwen2Base, "qwen2"}};
}  // namespace

const TemplateFormat& FormatOf(TemplateKind kind) {
  for (const TemplateFormat* f : kTemplateFormats) {
    if (f->kind == kind) return *f;
  }
  return kLlavaV1Template;  // unreachable: every kind has an entry
}

Result<TemplateKind> ParseTemplateKind(const std::string& name) {
  std::string names;
  for (const TemplateFormat* f : kTemplateFormats) {
    if (name == f->name) return f->kind;
    names += std::string(names.empty() ? "" : ", ") + f->name;
  }
  for (const auto& alias : kTemplateAliases) {
    if (name == alias.name) return alias.value;
  }
  return Status::Usage("unknown chat template '" + name + "' (known: " + names + ")");
}

const char* TemplateName(TemplateKind kind) { return FormatOf(kind).name; }

Result<EncodedExample> EncodeConversation(const Tokenizer& tokenizer,
                                          const std::vector<data::Turn>& turns, bool has_image,
                                          const TemplateOptions& options) {
  if (has_image && options.num_image_tokens < 1) {
    return Status::Usage("the number of image tokens must be at least 1, got " +
                         std::to_string(options.num_image_tokens));
  }
  XMAS_ASSIGN_OR_RETURN(auto exchanges, ToExchanges(turns));
  const TemplateFormat& format = FormatOf(options.kind);
  if (format.mask == MaskRule::kPlain) XMAS_RETURN_IF_ERROR(CheckPlain(exchanges, has_image));
  XMAS_ASSIGN_OR_RETURN(ReferenceEncoding ref, EncodeAsReference(tokenizer, format, exchanges, has_image));
  EncodedExample ex = Widen(ref, tokenizer.image_id(), has_image ? options.num_image_tokens : 0);
  XMAS_RETURN_IF_ERROR(Truncate(options.max_length, &ex));
  if (!options.allow_no_answer && ex.NumAnswerTokens() == 0) {
    return Status::InvalidInput(
        std::string("no answer token to train on") +
        (ref.mismatch ? " (" + ref.mismatch_detail + ")"
         : ex.truncated ? " after truncation to " + std::to_string(options.max_length) + " tokens"
                        : " (the conversation has no gpt turn)"));
  }
  return ex;
}

namespace {
std::string Region(const EncodedExample& ex, int64_t p) {
  if (p >= ex.image_begin && p < ex.image_end) return "image";
  for (size_t t = 0; t < ex.turns.size(); ++t) {
    const TurnSpan& s = ex.turns[t];
    if (p >= s.question_begin && p < s.question_end) return "question " + std::to_string(t);
    if (p >= s.answer_begin && p < s.answer_end) return "answer " + std::to_string(t);
  }
  return "system";
}
}  // namespace

std::string FormatExample(const Tokenizer& tokenizer, const EncodedExample& example) {
  std::string out;
  for (int64_t p = 0; p < example.size(); ++p) {
    if (p == example.image_begin + 1 && example.image_end - example.image_begin > 2) {
      out += "...\t(" + std::to_string(example.image_end - example.image_begin - 2) +
             " more image tokens)\n";
      p = example.image_end - 2;
      continue;
    }
    int32_t id = example.input_ids[p];
    out += std::to_string(p) + "\t" + std::to_string(id) + "\t" +
           std::to_string(example.labels[p]) + "\t" + tokenizer.Piece(id) + "\t" +
           Region(example, p) + "\n";
  }
  if (example.truncated) out += "(truncated)\n";
  return out;
}

}  // namespace xmas::text
