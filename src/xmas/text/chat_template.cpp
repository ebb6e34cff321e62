#include "xmas/text/chat_template.h"

#include <algorithm>

#include "xmas/text/tokenizer_train.h"
#include "xmas/util/enum_names.h"

namespace xmas::text {

const char* const kLlavaV1System =
    "A chat between a curious human and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the human's questions.";

namespace {

enum class Role { kHuman, kGpt };

struct Exchange {
  std::string question;
  std::string answer;
  bool has_answer = false;
};

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

// Appends separately encoded pieces and records where they land.
class Builder {
 public:
  explicit Builder(const Tokenizer& tok) : tok_(tok) { Push(tok.bos_id(), false); }

  int64_t pos() const { return static_cast<int64_t>(ex_.input_ids.size()); }

  Status Text(const std::string& text) { return Append(text, false); }
  // The answer and its end token, trained on.
  Status Answer(const std::string& text) {
    XMAS_RETURN_IF_ERROR(Append(text, true));
    Push(tok_.eos_id(), true);
    return Status::Ok();
  }
  void Image(int64_t n) {
    ex_.image_begin = pos();
    for (int64_t k = 0; k < n; ++k) Push(tok_.image_id(), false);
    ex_.image_end = pos();
  }
  EncodedExample& example() { return ex_; }

 private:
  Status Append(const std::string& text, bool trained) {
    if (text.empty()) return Status::Ok();
    XMAS_ASSIGN_OR_RETURN(auto ids, tok_.Encode(text));
    for (int32_t id : ids) Push(id, trained);
    return Status::Ok();
  }
  void Push(int32_t id, bool trained) {
    ex_.input_ids.push_back(id);
    ex_.labels.push_back(trained ? id : kIgnoreLabel);
  }
  const Tokenizer& tok_;
  EncodedExample ex_;
};

std::string JoinQuestion(const char* before, const std::string& question, const char* after) {
  std::string s = before;
  if (!question.empty()) {
    if (!s.empty()) s += ' ';
    s += question;
  }
  s += after;
  return s;
}

Status BuildLlavaV1(const std::vector<Exchange>& exchanges, bool has_image, int64_t n_image,
                    Builder* b) {
  XMAS_RETURN_IF_ERROR(b->Text(kLlavaV1System));
  for (size_t t = 0; t < exchanges.size(); ++t) {
    TurnSpan span;
    if (t == 0 && has_image) {
      XMAS_RETURN_IF_ERROR(b->Text("USER:"));
      b->Image(n_image);
      span.question_begin = b->pos();
      XMAS_RETURN_IF_ERROR(b->Text(JoinQuestion("", exchanges[t].question, " ASSISTANT:")));
    } else {
      span.question_begin = b->pos();
      XMAS_RETURN_IF_ERROR(b->Text(JoinQuestion("USER:", exchanges[t].question, " ASSISTANT:")));
    }
    span.question_end = span.answer_begin = b->pos();
    if (exchanges[t].has_answer) XMAS_RETURN_IF_ERROR(b->Answer(exchanges[t].answer));
    span.answer_end = b->pos();
    b->example().turns.push_back(span);
  }
  return Status::Ok();
}

Status BuildPlain(const std::vector<Exchange>& exchanges, bool has_image, int64_t n_image,
                  Builder* b) {
  if (!has_image) return Status::InvalidInput("field 'image': the plain template needs an image");
  if (exchanges.size() != 1 || !exchanges[0].has_answer) {
    return Status::InvalidInput(
        "field 'conversations': the plain template needs exactly one human and one gpt turn");
  }
  b->Image(n_image);
  TurnSpan span;
  span.question_begin = span.question_end = span.answer_begin = b->pos();
  XMAS_RETURN_IF_ERROR(b->Answer(exchanges[0].answer));
  span.answer_end = b->pos();
  b->example().turns.push_back(span);
  return Status::Ok();
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
constexpr EnumName<TemplateKind> kTemplateNames[] = {
    {TemplateKind::kLlavaV1, "llava_v1"}, {TemplateKind::kLlavaV1, "v1"}, {TemplateKind::kPlain, "plain"}};
}  // namespace

Result<TemplateKind> ParseTemplateKind(const std::string& name) {
  return ParseEnum(kTemplateNames, name, "chat template");
}

const char* TemplateName(TemplateKind kind) { return NameOf(kTemplateNames, kind); }

Result<EncodedExample> EncodeConversation(const Tokenizer& tokenizer,
                                          const std::vector<data::Turn>& turns, bool has_image,
                                          const TemplateOptions& options) {
  if (has_image && options.num_image_tokens < 1) {
    return Status::Usage("the number of image tokens must be at least 1, got " +
                         std::to_string(options.num_image_tokens));
  }
  XMAS_ASSIGN_OR_RETURN(auto exchanges, ToExchanges(turns));
  Builder b(tokenizer);
  if (options.kind == TemplateKind::kPlain) {
    XMAS_RETURN_IF_ERROR(BuildPlain(exchanges, has_image, options.num_image_tokens, &b));
  } else {
    XMAS_RETURN_IF_ERROR(BuildLlavaV1(exchanges, has_image, options.num_image_tokens, &b));
  }
  EncodedExample ex = std::move(b.example());
  XMAS_RETURN_IF_ERROR(Truncate(options.max_length, &ex));
  if (!options.allow_no_answer && ex.NumAnswerTokens() == 0) {
    return Status::InvalidInput(
        std::string("no answer token to train on") +
        (ex.truncated ? " after truncation to " + std::to_string(options.max_length) + " tokens"
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
