// The chat templates as data: one TemplateFormat per template, each in its
// own template_<name>.cpp, listed once in kTemplateFormats (chat_template.cpp).
//
// A conversation is rendered to one prompt string exactly as the template's
// reference code renders it, then tokenised whole, split only at "<image>"
// (LLaVA's tokenizer_image_token), and labelled by the reference's own
// masking rule (template_encode.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/text/chat_template.h"

namespace xmas::text {

// How the answer tokens are found: the reference's own rule.
enum class MaskRule {
  // LLaVA's preprocess_v1: BOS masked, rounds split at answer_end, round
  // length = tokens of the round (its BOS stands for the removed end token),
  // instruction = tokens of "round up to the separator" - 2.
  kLlavaV1,
  // TinyLLaVA Factory's Template._make_masks (phi, qwen2_*): rounds split at
  // answer_end, round length = tokens + len(tokenizer.encode(end)),
  // instruction = tokens - 1.
  kTinyLlava,
  // TinyLLaVA's llama and gemma templates: BOS masked, round length =
  // tokens + 1 - 1, instruction = tokens - 1 - 1.
  kTinyLlavaBos,
  // LLaVA's preprocess_plain / TinyLLaVA's pretrain: "<image>" + caption +
  // "\n"; the tokens of "<image>" alone are masked.
  kPlain,
  // No masking code to follow (chatml): the answer and its end token are
  // located by tokenising the prompt up to each boundary; special tokens
  // delimit every turn, so the boundaries are exact.
  kBoundaries,
};

struct TemplateFormat {
  TemplateKind kind;
  const char* name;
  const char* reference;      // the code it reproduces (docs and --help)
  const char* system;         // text before the first turn, its separator included
  const char* user;           // before each question
  const char* user_end;       // after each question
  const char* assistant;      // before each answer
  const char* answer_end;     // after each answer: the end token (trained)
  const char* turn_end;       // after answer_end (not trained; chatml's "\n")
  const char* generation;     // in place of assistant for an unanswered last turn
  MaskRule mask;
};

// The system prompt of vicuna_v1 and of TinyLLaVA's templates, with the
// space that separates it from the first turn.
extern const char kCuriousUserSystem[];

extern const TemplateFormat kLlavaV1Template;
extern const TemplateFormat kVicunaV1Template;
extern const TemplateFormat kPlainTemplate;
extern const TemplateFormat kPhiTemplate;
extern const TemplateFormat kLlamaTemplate;
extern const TemplateFormat kQwen2BaseTemplate;
extern const TemplateFormat kQwen2InstructTemplate;
extern const TemplateFormat kGemmaTemplate;
extern const TemplateFormat kChatmlTemplate;

const TemplateFormat& FormatOf(TemplateKind kind);

// One exchange after "<image>" markers are removed.
struct Exchange {
  std::string question;
  std::string answer;
  bool has_answer = false;
};

// The reference encoding before the image block is widened: input ids with
// one kImagePlaceholder per "<image>", labels, and turn spans in those
// positions.
constexpr int32_t kImagePlaceholder = -200;  // LLaVA's IMAGE_TOKEN_INDEX
struct ReferenceEncoding {
  std::string prompt;
  std::vector<int32_t> ids;
  std::vector<int32_t> labels;
  std::vector<TurnSpan> turns;
  bool mismatch = false;  // the reference's "tokenization mismatch": all labels masked
  std::string mismatch_detail;
};

// Renders, tokenises and labels one conversation as `format`'s reference.
Result<ReferenceEncoding> EncodeAsReference(const Tokenizer& tokenizer, const TemplateFormat& format,
                                            const std::vector<Exchange>& exchanges, bool has_image);

// The prompt string alone (for tests against Jinja renderings).
std::string RenderPrompt(const TemplateFormat& format, const std::vector<Exchange>& exchanges,
                         bool has_image);

// LLaVA's tokenizer_image_token: each "<image>"-separated chunk tokenised as
// HF's tokenizer(chunk) (BOS first when the tokenizer adds one), BOS kept
// only on the first chunk, one kImagePlaceholder between chunks.
Result<std::vector<int32_t>> TokenizeImagePrompt(const Tokenizer& tokenizer, const std::string& prompt);

}  // namespace xmas::text
