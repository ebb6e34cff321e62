// Chat templates: a conversation -> token ids, labels and exact token spans.
//
// Every later stage (training, attention extraction, scoring) reads the
// image block and the per-turn question/answer ranges from EncodedExample;
// nothing downstream may guess token offsets (docs/method.md §3 defect 4).
//
// Every template renders the conversation to one prompt string as its
// reference code does, tokenises it whole, split only at "<image>" (LLaVA's
// tokenizer_image_token: the newline after "<image>" is kept, special tokens
// written in the prompt such as "</s>" or "<|im_end|>" become their ids), and
// finds the answer tokens with the reference's own masking rule
// (template_format.h; docs/models.md lists the templates and their sources):
//   llava_v1   LLaVA conv_llava_v1 ("curious human" system), preprocess_v1
//   vicuna_v1  LLaVA conv_vicuna_v1 ("curious user"; LLaVA-1.5's `v1`)
//   plain      "<image>" + caption + "\n" (LLaVA preprocess_plain)
//   phi, llama, gemma, qwen2_base, qwen2_instruct   TinyLLaVA Factory's
//   chatml     Qwen2's ChatML chat_template
// e.g. vicuna_v1: "SYS USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: A2</s>"
// with BOS first; each "<image>" becomes num_image_tokens image_id tokens.
//
// Like LLaVA's preprocessing, every "<image>" marker is removed from the
// text and, when the record has an image, "<image>\n" starts the first human
// turn. A record without an image has no image block (image_begin =
// image_end = -1).
//
// Labels are -100 everywhere except the answer tokens and the end token after
// each answer, where they equal input_ids (the shift for next-token
// prediction is the model's job). When the reference's rule finds its own
// tokenization inconsistent ("tokenization mismatch") it masks every label;
// so does xmas, and such an example has no answer token.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/data/dataset.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/status.h"

namespace xmas::text {

constexpr int32_t kIgnoreLabel = -100;

enum class TemplateKind {
  kLlavaV1, kVicunaV1, kPlain, kPhi, kLlama, kQwen2Base, kQwen2Instruct, kGemma, kChatml
};

// Name <-> TemplateKind ("llava_v1", "vicuna_v1" (alias "v1", as in LLaVA),
// "plain" (alias "pretrain"), "phi", "llama", "qwen2_base" (alias "qwen2"),
// "qwen2_instruct", "gemma", "chatml"). Parse fails with a usage Status.
Result<TemplateKind> ParseTemplateKind(const std::string& name);
const char* TemplateName(TemplateKind kind);

// Token ranges [begin, end) of one human/gpt exchange.
struct TurnSpan {
  // The human turn: role tags and question text. For the first turn this
  // starts after the system prompt and, when it holds the image, right after
  // the image block. Empty in `plain`.
  int64_t question_begin = 0, question_end = 0;
  // The answer tokens plus their end token; empty when the conversation ends
  // on a human turn or truncation removed the answer.
  int64_t answer_begin = 0, answer_end = 0;
};

struct EncodedExample {
  std::vector<int32_t> input_ids;
  std::vector<int32_t> labels;  // same length as input_ids
  int64_t image_begin = -1, image_end = -1;  // the image block; -1 when none
  std::vector<TurnSpan> turns;  // turns (partly) kept after truncation
  bool truncated = false;       // tokens were cut at max_length

  bool has_image() const { return image_begin >= 0; }
  int64_t size() const { return static_cast<int64_t>(input_ids.size()); }
  // Tokens whose label is not kIgnoreLabel.
  int64_t NumAnswerTokens() const;
};

struct TemplateOptions {
  TemplateKind kind = TemplateKind::kLlavaV1;
  // Image positions one "<image>" expands to (from the vision config: the
  // number of patch tokens the connector outputs).
  int64_t num_image_tokens = 0;
  // Cut input_ids/labels to this many tokens (0 = no limit). The cut is at
  // the end; it never cuts the image block (an example whose image block
  // does not fit is an error).
  int64_t max_length = 0;
  // An example left with no answer token (e.g. after truncation) is an error
  // unless this is set; then it is returned with NumAnswerTokens() == 0.
  bool allow_no_answer = false;
};

// Encodes one conversation. Errors (one line, naming the field):
//   - turns do not alternate human/gpt starting with human ("from" may be
//     "human"/"user" and "gpt"/"assistant");
//   - plain template without an image or without exactly two turns;
//   - num_image_tokens < 1 for an image record;
//   - the image block does not fit in max_length;
//   - no answer token left (unless allow_no_answer).
Result<EncodedExample> EncodeConversation(const Tokenizer& tokenizer,
                                          const std::vector<data::Turn>& turns, bool has_image,
                                          const TemplateOptions& options);

// Encodes record i of a dataset; errors are prefixed with dataset.Where(i).
Result<EncodedExample> EncodeRecord(const Tokenizer& tokenizer, const data::Dataset& dataset,
                                    size_t i, const TemplateOptions& options);

// A table of the example for inspection: one line per token,
// "<position>\t<id>\t<label>\t<piece>\t<region>" where region is system,
// image, question <t> or answer <t>; runs of image tokens are folded.
std::string FormatExample(const Tokenizer& tokenizer, const EncodedExample& example);

// The system prompt of llava_v1 (without the space after it).
extern const char* const kLlavaV1System;

}  // namespace xmas::text
