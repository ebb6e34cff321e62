#include <gtest/gtest.h>

#include "text_test_util.h"
#include "xmas/data/dataset.h"
#include "xmas/text/chat_template.h"
#include "xmas/text/tokenizer_train.h"

namespace xmas::text {
namespace {

const char* kData = R"([
 {"id": "a1", "image": "x/1.png", "conversations": [
   {"from": "human", "value": "<image>\nWhat item is this?"}, {"from": "gpt", "value": "A sneaker."}]},
 {"id": 2, "conversations": [{"from": "human", "value": "What is 3 plus 4?"}, {"from": "gpt", "value": "7"}]},
 {"id": "bad", "conversations": [{"from": "gpt", "value": "x"}]}
])";

data::Dataset Parse() {
  auto ds = data::Dataset::Parse(kData, "mem.json");
  if (!ds.ok()) ADD_FAILURE() << ds.status().ToString();
  return std::move(ds).value();
}

TEST(DatasetText, CollectSentencesStripsMarkersAndAddsTemplateText) {
  data::Dataset ds = Parse();
  auto sentences = CollectSentences(ds);
  ASSERT_TRUE(sentences.ok()) << sentences.status().ToString();
  const std::vector<std::string> want = {"What item is this?", "A sneaker.", "What is 3 plus 4?",
                                         "7", "x", kLlavaV1System, "USER: ASSISTANT:"};
  EXPECT_EQ(*sentences, want);
}

TEST(DatasetText, EncodeRecordUsesImageFieldAndNamesTheRecord) {
  data::Dataset ds = Parse();
  Tokenizer tok = testing::LoadTiny();
  TemplateOptions o;
  o.num_image_tokens = 2;
  auto with_image = EncodeRecord(tok, ds, 0, o);
  ASSERT_TRUE(with_image.ok()) << with_image.status().ToString();
  EXPECT_EQ(with_image->image_end - with_image->image_begin, 2);
  auto text_only = EncodeRecord(tok, ds, 1, o);
  ASSERT_TRUE(text_only.ok());
  EXPECT_FALSE(text_only->has_image());
  auto bad = EncodeRecord(tok, ds, 2, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("mem.json"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("'bad'"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("conversations"), std::string::npos);
}

}  // namespace
}  // namespace xmas::text
