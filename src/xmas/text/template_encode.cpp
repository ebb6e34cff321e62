// Rendering, whole-prompt tokenisation and the reference masking rules of
// the chat templates (template_format.h).
#include <algorithm>

#include "xmas/text/template_format.h"
#include "xmas/text/tokenizer_train.h"

namespace xmas::text {
namespace {

constexpr char kImageMarker[] = "<image>";

std::vector<std::string> SplitAll(const std::string& text, const std::string& sep) {
  std::vector<std::string> parts;
  size_t pos = 0;
  for (size_t hit; (hit = text.find(sep, pos)) != std::string::npos; pos = hit + sep.size()) {
    parts.push_back(text.substr(pos, hit - pos));
  }
  parts.push_back(text.substr(pos));
  return parts;
}

// Character offsets of each exchange in the prompt.
struct Marks {
  size_t question_begin = 0, answer_begin = 0, answer_end = 0;
};

struct Rendered {
  std::string prompt;
  size_t system_end = 0;
  std::vector<Marks> marks;
};

Rendered Render(const TemplateFormat& f, const std::vector<Exchange>& exchanges, bool has_image) {
  Rendered r;
  if (f.mask == MaskRule::kPlain) {  // the human text is replaced by the image alone
    r.prompt = kImageMarker;
    Marks m{0, r.prompt.size(), 0};
    r.prompt += exchanges[0].answer + f.answer_end;
    m.answer_end = r.prompt.size();
    r.marks.push_back(m);
    return r;
  }
  r.prompt = f.system;
  r.system_end = r.prompt.size();
  for (size_t i = 0; i < exchanges.size(); ++i) {
    std::string q = exchanges[i].question;
    // LLaVA's preprocess_multimodal and TinyLLaVA's _prompt both strip
    // "<image>\n" + question ("<image>" alone when the question is empty).
    if (i == 0 && has_image) q = PyStrip(std::string(kImageMarker) + "\n" + q);
    Marks m;
    m.question_begin = r.prompt.size();
    r.prompt += f.user + q + f.user_end;
    if (exchanges[i].has_answer) {
      r.prompt += f.assistant;
      m.answer_begin = r.prompt.size();
      r.prompt += exchanges[i].answer + f.answer_end;
      m.answer_end = r.prompt.size();
      r.prompt += f.turn_end;
    } else {
      r.prompt += f.generation;
      m.answer_begin = m.answer_end = r.prompt.size();
    }
    r.marks.push_back(m);
  }
  return r;
}

// HF's tokenizer(text).input_ids: BOS first when the tokenizer adds one.
Result<std::vector<int32_t>> HfEncode(const Tokenizer& tok, const std::string& text) {
  XMAS_ASSIGN_OR_RETURN(std::vector<int32_t> ids, tok.Encode(text));
  if (tok.adds_bos()) ids.insert(ids.begin(), tok.bos_id());
  return ids;
}

Result<int64_t> Length(const Tokenizer& tok, const std::string& text) {
  XMAS_ASSIGN_OR_RETURN(auto ids, TokenizeImagePrompt(tok, text));
  return static_cast<int64_t>(ids.size());
}

// Tokens shared by the tokenised prompt prefix and the whole prompt.
Result<int64_t> Boundary(const Tokenizer& tok, const std::string& prefix, const std::vector<int32_t>& ids) {
  XMAS_ASSIGN_OR_RETURN(auto head, TokenizeImagePrompt(tok, prefix));
  const auto end = std::mismatch(head.begin(), head.end(), ids.begin(), ids.end()).first;
  return static_cast<int64_t>(end - head.begin());
}

int64_t ImageEnd(const std::vector<int32_t>& ids) {
  const auto it = std::find(ids.begin(), ids.end(), kImagePlaceholder);
  return it == ids.end() ? -1 : (it - ids.begin()) + 1;
}

void Mask(std::vector<int32_t>* labels, int64_t begin, int64_t end) {
  const int64_t n = static_cast<int64_t>(labels->size());
  begin = std::clamp<int64_t>(begin, 0, n);
  end = std::clamp<int64_t>(end, begin, n);
  std::fill(labels->begin() + begin, labels->begin() + end, kIgnoreLabel);
}

// The rounds rules of LLaVA and TinyLLaVA (MaskRule kLlavaV1, kTinyLlava*).
Status MaskByRounds(const Tokenizer& tok, const TemplateFormat& f, const Rendered& r,
                    ReferenceEncoding* enc) {
  const std::string sep = std::string(f.user_end) + f.assistant;
  const int64_t n = static_cast<int64_t>(enc->ids.size());
  int64_t cur = f.mask == MaskRule::kTinyLlava ? 0 : 1;
  XMAS_ASSIGN_OR_RETURN(auto end_ids, HfEncode(tok, f.answer_end));
  XMAS_ASSIGN_OR_RETURN(int64_t first_question, Boundary(tok, r.prompt.substr(0, r.system_end), enc->ids));
  first_question = std::max(first_question, ImageEnd(enc->ids));
  Mask(&enc->labels, 0, cur);
  for (const std::string& round : SplitAll(r.prompt, f.answer_end)) {
    const std::vector<std::string> parts = SplitAll(round, sep);
    if (round.empty() || parts.size() != 2) break;
    XMAS_ASSIGN_OR_RETURN(int64_t round_len, Length(tok, round));
    XMAS_ASSIGN_OR_RETURN(int64_t instruction_len, Length(tok, parts[0] + sep));
    if (f.mask == MaskRule::kLlavaV1) {
      instruction_len -= 2;
    } else if (f.mask == MaskRule::kTinyLlava) {
      round_len += static_cast<int64_t>(end_ids.size());
      instruction_len -= 1;
    } else {  // kTinyLlavaBos: + eos - bos, - 1 - bos
      instruction_len -= 2;
    }
    Mask(&enc->labels, cur, cur + std::max<int64_t>(instruction_len, 0));
    TurnSpan span;
    span.question_begin = std::min(enc->turns.empty() ? std::max(cur, first_question) : cur, n);
    span.question_end = span.answer_begin = std::clamp<int64_t>(cur + instruction_len, span.question_begin, n);
    span.answer_end = std::clamp<int64_t>(cur + round_len, span.answer_begin, n);
    enc->turns.push_back(span);
    cur += round_len;
  }
  Mask(&enc->labels, cur, n);
  if (r.marks.size() > enc->turns.size()) {  // an unanswered last turn (a generation prompt)
    const int64_t begin = enc->turns.empty() ? first_question : std::min(cur, n);
    enc->turns.push_back({begin, n, n, n});
    return Status::Ok();
  }
  int64_t total = std::count_if(enc->ids.begin(), enc->ids.end(), [&](int32_t id) { return id != tok.pad_id(); });
  if (f.mask != MaskRule::kLlavaV1 && tok.pad_id() == tok.eos_id()) {
    total += static_cast<int64_t>(SplitAll(r.prompt, f.answer_end).size()) - 1;
  }
  if (cur != total) {
    enc->mismatch = true;
    enc->mismatch_detail = "tokenization mismatch: " + std::to_string(cur) + " vs. " + std::to_string(total) +
                           " tokens (the reference masks every label of such an example)";
    Mask(&enc->labels, 0, n);
  }
  return Status::Ok();
}

// kPlain and kBoundaries: spans at token boundaries of the prompt's prefixes.
Status MaskByBoundaries(const Tokenizer& tok, const TemplateFormat& f, const Rendered& r,
                        ReferenceEncoding* enc) {
  const int64_t n = static_cast<int64_t>(enc->ids.size());
  int64_t system_end = 0;
  if (f.mask == MaskRule::kPlain) {
    XMAS_ASSIGN_OR_RETURN(system_end, Length(tok, kImageMarker));  // LLaVA masks len(<image>) tokens
  } else {
    XMAS_ASSIGN_OR_RETURN(system_end, Boundary(tok, r.prompt.substr(0, r.system_end), enc->ids));
  }
  Mask(&enc->labels, 0, n);
  for (size_t i = 0; i < r.marks.size(); ++i) {
    const Marks& m = r.marks[i];
    TurnSpan span;
    if (f.mask == MaskRule::kPlain) {
      span.question_begin = span.question_end = span.answer_begin = system_end;
      span.answer_end = n;
    } else {
      XMAS_ASSIGN_OR_RETURN(span.question_begin, Boundary(tok, r.prompt.substr(0, m.question_begin), enc->ids));
      XMAS_ASSIGN_OR_RETURN(span.answer_begin, Boundary(tok, r.prompt.substr(0, m.answer_begin), enc->ids));
      XMAS_ASSIGN_OR_RETURN(span.answer_end, Boundary(tok, r.prompt.substr(0, m.answer_end), enc->ids));
      if (i == 0) span.question_begin = std::max({span.question_begin, system_end, ImageEnd(enc->ids)});
      span.question_end = span.answer_begin;
    }
    for (int64_t p = span.answer_begin; p < span.answer_end; ++p) enc->labels[p] = enc->ids[p];
    enc->turns.push_back(span);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<int32_t>> TokenizeImagePrompt(const Tokenizer& tok, const std::string& prompt) {
  std::vector<std::vector<int32_t>> chunks;
  for (const std::string& chunk : SplitAll(prompt, kImageMarker)) {
    XMAS_ASSIGN_OR_RETURN(auto ids, HfEncode(tok, chunk));
    chunks.push_back(std::move(ids));
  }
  std::vector<int32_t> out;
  size_t offset = 0;
  if (!chunks[0].empty() && tok.bos_id() >= 0 && chunks[0][0] == tok.bos_id()) {
    offset = 1;
    out.push_back(chunks[0][0]);
  }
  for (size_t k = 0; k < chunks.size(); ++k) {
    if (k > 0) out.push_back(kImagePlaceholder);
    if (chunks[k].size() > offset) out.insert(out.end(), chunks[k].begin() + offset, chunks[k].end());
  }
  return out;
}

std::string RenderPrompt(const TemplateFormat& format, const std::vector<Exchange>& exchanges,
                         bool has_image) {
  return Render(format, exchanges, has_image).prompt;
}

Result<ReferenceEncoding> EncodeAsReference(const Tokenizer& tokenizer, const TemplateFormat& format,
                                            const std::vector<Exchange>& exchanges, bool has_image) {
  const Rendered r = Render(format, exchanges, has_image);
  ReferenceEncoding enc;
  enc.prompt = r.prompt;
  XMAS_ASSIGN_OR_RETURN(enc.ids, TokenizeImagePrompt(tokenizer, r.prompt));
  enc.labels = enc.ids;
  if (format.mask == MaskRule::kPlain || format.mask == MaskRule::kBoundaries) {
    XMAS_RETURN_IF_ERROR(MaskByBoundaries(tokenizer, format, r, &enc));
  } else {
    XMAS_RETURN_IF_ERROR(MaskByRounds(tokenizer, format, r, &enc));
  }
  return enc;
}

}  // namespace xmas::text
