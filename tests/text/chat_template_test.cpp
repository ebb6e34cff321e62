#include "xmas/text/chat_template.h"

#include <gtest/gtest.h>

#include "text_test_util.h"
#include "xmas/text/template_format.h"

namespace xmas::text {
namespace {

using data::Turn;
using Ids = std::vector<int32_t>;

constexpr int32_t X = kIgnoreLabel;
constexpr int32_t I = 120;  // image id of the tiny tokenizer

// <s> and the llava_v1 system prompt, then " USER:" (tiny.model ids).
const Ids kSystemUser = {1,  10, 38, 31, 8,  4,  76, 8,  95,  40, 13, 38, 51, 26, 70, 11,
                         61, 13, 52, 80, 90, 74, 20, 71, 39,  108, 48, 8, 113, 39, 29, 40,
                         53, 25, 59, 9,  33, 59, 77, 39, 49,  11, 4,  82, 25, 54, 55, 20,
                         51, 54, 43, 60, 81, 43, 13, 52, 37,  68, 65, 13, 62, 11, 24, 22,
                         12, 61, 97, 11, 4,  96, 34, 74, 84,  11, 9,  4,  19, 5,  18, 15, 7};
const Ids kAssistant = {10, 5, 5, 14, 5, 6, 17, 16, 6, 7};  // "▁A S S I S T A N T :"

Ids Cat(std::initializer_list<Ids> parts) {
  Ids out;
  for (const Ids& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Ids Masked(size_t n) { return Ids(n, X); }

TemplateOptions Opts(int64_t n_image = 3, int64_t max_length = 0) {
  TemplateOptions o;
  o.num_image_tokens = n_image;
  o.max_length = max_length;
  return o;
}

const std::vector<Turn> kTwoTurns = {{"human", "What item is this?\n<image>"},
                                     {"gpt", "A sneaker."},
                                     {"human", "Is this a bag?"},
                                     {"gpt", "No."}};

void ExpectSpan(const TurnSpan& s, int64_t qb, int64_t qe, int64_t ab, int64_t ae) {
  EXPECT_EQ(s.question_begin, qb);
  EXPECT_EQ(s.question_end, qe);
  EXPECT_EQ(s.answer_begin, ab);
  EXPECT_EQ(s.answer_end, ae);
}

// The ids of LLaVA's preprocess_v1 on this tokenizer: the prompt
// "SYS USER: <image>\nQ1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: A2</s>" tokenised
// whole, split only at <image>, and its labels from LLaVA's rounds rule.
// Regenerated when xmas moved from piece-wise encoding to the reference's
// (issue 18 item 7): the "\n" after the image is kept (the tiny model has no
// piece for it: "▁" + unk), "</s>" in the text is EOS, and LLaVA's
// "instruction = tokens - 2" trains on the ":" of "ASSISTANT:" here, because
// the tiny model drops the trailing space that LLaMA's tokenizer keeps as a
// "▁" token. That is what the reference code does with this tokenizer.
TEST(ChatTemplate, GoldenTwoTurnImageExample) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, kTwoTurns, true, Opts());
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  const Ids q1 = {4, 0, 32, 31, 8, 4, 65, 92, 4, 28, 63, 23};      // "\nWhat item is this?"
  const Ids a1 = {10, 4, 11, 42, 25, 78, 94, 111, 9, 2};          // "A sneaker.</s>"
  const Ids q2 = {4, 19, 5, 18, 15, 7, 4, 14, 11, 63, 13, 114, 29, 23};  // "USER: Is this a bag?"
  const Ids a2 = {4, 16, 22, 9, 2};                               // "No.</s>"
  const Ids colon = {7};
  EXPECT_EQ(ex->input_ids, Cat({kSystemUser, {I, I, I}, q1, kAssistant, a1, q2, kAssistant, a2}));
  EXPECT_EQ(ex->labels, Cat({Masked(kSystemUser.size() + 3 + q1.size() + kAssistant.size() - 1), colon, a1,
                             Masked(q2.size() + kAssistant.size() - 1), colon, a2}));
  EXPECT_EQ(ex->image_begin, 81);
  EXPECT_EQ(ex->image_end, 84);
  ASSERT_EQ(ex->turns.size(), 2u);
  ExpectSpan(ex->turns[0], 84, 105, 105, 116);
  ExpectSpan(ex->turns[1], 116, 139, 139, 145);
  EXPECT_FALSE(ex->truncated);
  EXPECT_EQ(ex->NumAnswerTokens(), 17);
  EXPECT_EQ(tok.Decode(ex->input_ids).value(),
            std::string(kLlavaV1System) +
                " USER:  \xE2\x81\x87 What item is this? ASSISTANT: A sneaker. USER: Is this a bag? ASSISTANT: No.");
}

TEST(ChatTemplate, GoldenTextOnlyExample) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, {{"human", "What is 12 plus 7?"}, {"gpt", "19"}}, false, Opts());
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  const Ids q = {4, 32, 31, 8, 4, 28, 58, 98, 37, 107, 11, 4, 100, 23};  // " What is 12 plus 7?"
  const Ids a = {58, 101, 2};                                           // "19</s>"
  EXPECT_EQ(ex->input_ids, Cat({kSystemUser, q, kAssistant, a}));
  EXPECT_EQ(ex->labels, Cat({Masked(kSystemUser.size() + q.size() + kAssistant.size() - 1), {7}, a}));
  EXPECT_FALSE(ex->has_image());
  EXPECT_EQ(ex->image_begin, -1);
  EXPECT_EQ(ex->image_end, -1);
  ASSERT_EQ(ex->turns.size(), 1u);
  // The question span starts at "USER:" (76 = 81 - 5 tokens of "▁ U S E R :").
  ExpectSpan(ex->turns[0], 75, 104, 104, 108);
}

// LLaVA's preprocess_plain: "<image>" + caption + "\n", no end token; the
// tokens of "<image>" alone (BOS, image) are masked.
TEST(ChatTemplate, GoldenPlainExample) {
  Tokenizer tok = testing::LoadTiny();
  TemplateOptions o = Opts();
  o.kind = TemplateKind::kPlain;
  auto ex = EncodeConversation(tok, {{"human", "<image>"}, {"gpt", "A photo of a shirt."}}, true, o);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  const Ids caption = {10, 37, 109, 8, 22, 35, 20, 13, 47, 110, 8, 9, 0};  // "A photo of a shirt.\n"
  EXPECT_EQ(ex->input_ids, Cat({{1, I, I, I}, caption}));
  EXPECT_EQ(ex->labels, Cat({Masked(4), caption}));
  EXPECT_EQ(ex->image_begin, 1);
  EXPECT_EQ(ex->image_end, 4);
  ASSERT_EQ(ex->turns.size(), 1u);
  ExpectSpan(ex->turns[0], 4, 4, 4, 17);
}

TEST(ChatTemplate, ImageMarkerMovesToStartOfFirstHumanTurn) {
  Tokenizer tok = testing::LoadTiny();
  auto before = EncodeConversation(tok, {{"human", "<image>\nWhat item is this?"}, {"gpt", "A"}}, true, Opts());
  auto after = EncodeConversation(tok, {{"human", "What item is this?\n<image>"}, {"gpt", "A"}}, true, Opts());
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->input_ids, after->input_ids);
  EXPECT_EQ(before->image_begin, 81);
}

TEST(ChatTemplate, ImageBlockHasExactlyNPositions) {
  Tokenizer tok = testing::LoadTiny();
  for (int64_t n : {1, 7, 64}) {
    auto ex = EncodeConversation(tok, kTwoTurns, true, Opts(n));
    ASSERT_TRUE(ex.ok());
    EXPECT_EQ(ex->image_end - ex->image_begin, n);
    EXPECT_EQ(std::count(ex->input_ids.begin(), ex->input_ids.end(), tok.image_id()), n);
  }
}

TEST(ChatTemplate, LabelsOnlyInsideAnswerSpans) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, kTwoTurns, true, Opts());
  ASSERT_TRUE(ex.ok());
  for (int64_t p = 0; p < ex->size(); ++p) {
    bool in_answer = false;
    for (const auto& s : ex->turns) in_answer |= p >= s.answer_begin && p < s.answer_end;
    EXPECT_EQ(ex->labels[p] != kIgnoreLabel, in_answer) << "position " << p;
    if (in_answer) EXPECT_EQ(ex->labels[p], ex->input_ids[p]);
  }
  for (const auto& s : ex->turns) EXPECT_EQ(ex->input_ids[s.answer_end - 1], tok.eos_id());
}

TEST(ChatTemplateTruncation, CutInsideSecondAnswerKeepsItsHead) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, kTwoTurns, true, Opts(3, 142));
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_TRUE(ex->truncated);
  EXPECT_EQ(ex->size(), 142);
  EXPECT_EQ(ex->labels.size(), 142u);
  ASSERT_EQ(ex->turns.size(), 2u);
  ExpectSpan(ex->turns[1], 116, 139, 139, 142);
  EXPECT_EQ(ex->NumAnswerTokens(), 11 + 3);
}

TEST(ChatTemplateTruncation, TurnsPastTheCutAreDropped) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, kTwoTurns, true, Opts(3, 116));
  ASSERT_TRUE(ex.ok());
  ASSERT_EQ(ex->turns.size(), 1u);
  ExpectSpan(ex->turns[0], 84, 105, 105, 116);
}

TEST(ChatTemplateTruncation, ExactFitIsNotTruncated) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, kTwoTurns, true, Opts(3, 145));
  ASSERT_TRUE(ex.ok());
  EXPECT_FALSE(ex->truncated);
  EXPECT_EQ(ex->turns.size(), 2u);
}

TEST(ChatTemplateTruncation, NoAnswerLeftIsReported) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, kTwoTurns, true, Opts(3, 100));
  ASSERT_FALSE(ex.ok());
  EXPECT_NE(ex.status().message().find("no answer token"), std::string::npos);
  EXPECT_NE(ex.status().message().find("100"), std::string::npos);
  TemplateOptions o = Opts(3, 100);
  o.allow_no_answer = true;
  auto kept = EncodeConversation(tok, kTwoTurns, true, o);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->NumAnswerTokens(), 0);
  EXPECT_TRUE(kept->truncated);
  ASSERT_EQ(kept->turns.size(), 1u);
  ExpectSpan(kept->turns[0], 84, 100, 100, 100);
}

TEST(ChatTemplateTruncation, NeverCutsTheImageBlock) {
  Tokenizer tok = testing::LoadTiny();
  auto inside = EncodeConversation(tok, kTwoTurns, true, Opts(3, 83));
  ASSERT_FALSE(inside.ok());
  EXPECT_NE(inside.status().message().find("image block"), std::string::npos);
  // Ending right after the block is allowed by the cut, but leaves no answer.
  TemplateOptions o = Opts(3, 84);
  o.allow_no_answer = true;
  auto edge = EncodeConversation(tok, kTwoTurns, true, o);
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(edge->image_end, 84);
  EXPECT_EQ(edge->size(), 84);
  EXPECT_TRUE(edge->turns.empty());  // no token of any turn is left
}

TEST(ChatTemplate, ConversationWithoutAnswerIsReported) {
  Tokenizer tok = testing::LoadTiny();
  auto ex = EncodeConversation(tok, {{"human", "<image>\nhello"}}, true, Opts());
  ASSERT_FALSE(ex.ok());
  EXPECT_NE(ex.status().message().find("no gpt turn"), std::string::npos);
}

TEST(ChatTemplate, TrailingHumanTurnIsMaskedWithEmptyAnswer) {
  Tokenizer tok = testing::LoadTiny();
  std::vector<Turn> turns = kTwoTurns;
  turns.push_back({"human", "Why?"});
  auto ex = EncodeConversation(tok, turns, true, Opts());
  ASSERT_TRUE(ex.ok());
  ASSERT_EQ(ex->turns.size(), 3u);
  EXPECT_EQ(ex->turns[2].answer_begin, ex->turns[2].answer_end);
  EXPECT_EQ(ex->turns[2].answer_end, ex->size());
  EXPECT_EQ(ex->turns[2].question_begin, ex->turns[1].answer_end);
  EXPECT_EQ(ex->NumAnswerTokens(), 17);
}

TEST(ChatTemplate, RejectsBadRolesAndBadPlainInput) {
  Tokenizer tok = testing::LoadTiny();
  auto swapped = EncodeConversation(tok, {{"gpt", "hi"}, {"human", "x"}}, false, Opts());
  ASSERT_FALSE(swapped.ok());
  EXPECT_NE(swapped.status().message().find("turn 0"), std::string::npos);
  auto unknown = EncodeConversation(tok, {{"human", "a"}, {"robot", "b"}}, false, Opts());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'robot'"), std::string::npos);
  EXPECT_FALSE(EncodeConversation(tok, {}, false, Opts()).ok());
  TemplateOptions plain = Opts();
  plain.kind = TemplateKind::kPlain;
  EXPECT_FALSE(EncodeConversation(tok, {{"human", "x"}, {"gpt", "y"}}, false, plain).ok());
  EXPECT_FALSE(EncodeConversation(tok, kTwoTurns, true, plain).ok());
  auto no_tokens = EncodeConversation(tok, kTwoTurns, true, Opts(0));
  ASSERT_FALSE(no_tokens.ok());
  EXPECT_EQ(no_tokens.status().code(), Status::Code::kUsage);
}

TEST(ChatTemplate, ParseTemplateKind) {
  EXPECT_EQ(ParseTemplateKind("llava_v1").value(), TemplateKind::kLlavaV1);
  EXPECT_EQ(ParseTemplateKind("plain").value(), TemplateKind::kPlain);
  EXPECT_EQ(ParseTemplateKind("v1").value(), TemplateKind::kVicunaV1);  // as LLaVA's conv_templates
  EXPECT_EQ(ParseTemplateKind("qwen2").value(), TemplateKind::kQwen2Base);
  for (const char* name : {"vicuna_v1", "phi", "llama", "qwen2_base", "qwen2_instruct", "gemma", "chatml"}) {
    auto kind = ParseTemplateKind(name);
    ASSERT_TRUE(kind.ok()) << name;
    EXPECT_STREQ(TemplateName(*kind), name);
  }
  auto unknown = ParseTemplateKind("mistral_instruct");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("chatml"), std::string::npos);  // lists the known ones
  EXPECT_STREQ(TemplateName(TemplateKind::kPlain), "plain");
}

}  // namespace
}  // namespace xmas::text

namespace xmas::text {
namespace {

// The prompt each template renders (the oracle_js tests check these against
// the reference code on real tokenizers; this pins them where node is absent).
TEST(ChatTemplatePrompts, RenderAsTheirReferences) {
  const std::vector<Exchange> two = {{"Q1", "A1", true}, {"Q2", "A2", true}};
  const std::string sys_user = kCuriousUserSystem;
  EXPECT_EQ(RenderPrompt(FormatOf(TemplateKind::kPhi), two, true),
            sys_user + "USER: <image>\nQ1 ASSISTANT: A1<|endoftext|>USER: Q2 ASSISTANT: A2<|endoftext|>");
  EXPECT_EQ(RenderPrompt(FormatOf(TemplateKind::kVicunaV1), two, false),
            sys_user + "USER: Q1 ASSISTANT: A1</s>USER: Q2 ASSISTANT: A2</s>");
  EXPECT_EQ(RenderPrompt(FormatOf(TemplateKind::kGemma), {{"", "A", true}}, true),
            sys_user + "USER: <image> ASSISTANT: A<eos>");  // "<image>\n" + "" stripped, as TinyLLaVA does
  EXPECT_EQ(RenderPrompt(FormatOf(TemplateKind::kQwen2Instruct), {{"Q", "", false}}, false),
            sys_user + "USER: Q ASSISTANT:");
  EXPECT_EQ(RenderPrompt(FormatOf(TemplateKind::kPlain), {{"ignored", "A cat.", true}}, true), "<image>A cat.\n");
  EXPECT_EQ(RenderPrompt(FormatOf(TemplateKind::kChatml), {{"Q1", "A1", true}, {"Q2", "", false}}, true),
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            "<|im_start|>user\n<image>\nQ1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n"
            "<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n");
}

// Every template on the tiny tokenizer: labels only in answer spans, equal to
// the ids there, and the image block where the prompt puts it.
TEST(ChatTemplatePrompts, EveryTemplateLabelsOnlyItsAnswerSpans) {
  Tokenizer tok = testing::LoadTiny();
  for (TemplateKind kind : {TemplateKind::kLlavaV1, TemplateKind::kVicunaV1, TemplateKind::kPhi, TemplateKind::kLlama,
                            TemplateKind::kQwen2Base, TemplateKind::kQwen2Instruct, TemplateKind::kGemma,
                            TemplateKind::kChatml}) {
    TemplateOptions o = Opts(5);
    o.kind = kind;
    o.allow_no_answer = true;  // a rule may find its tokenization inconsistent on this tokenizer
    auto ex = EncodeConversation(tok, kTwoTurns, true, o);
    ASSERT_TRUE(ex.ok()) << TemplateName(kind) << ": " << ex.status().ToString();
    EXPECT_EQ(ex->image_end - ex->image_begin, 5) << TemplateName(kind);
    ASSERT_EQ(ex->turns.size(), 2u) << TemplateName(kind);
    EXPECT_EQ(ex->turns[0].question_begin, ex->image_end) << TemplateName(kind);
    for (int64_t p = 0; p < ex->size(); ++p) {
      bool in_answer = false;
      for (const auto& s : ex->turns) in_answer |= p >= s.answer_begin && p < s.answer_end;
      if (ex->labels[p] != kIgnoreLabel) {
        EXPECT_TRUE(in_answer) << TemplateName(kind) << " position " << p;
        EXPECT_EQ(ex->labels[p], ex->input_ids[p]);
      }
    }
  }
}

}  // namespace
}  // namespace xmas::text
