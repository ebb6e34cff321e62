#include <gtest/gtest.h>

#include "test_helpers.h"
#include "xmas/data/dataset.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

const char* kThree = R"([
  {"id": "a1", "image": "coco/train2017/1.jpg", "extra": {"k": [1, 2.50, "x"]},
   "conversations": [{"from": "human", "value": "<image>\nWhat?"}, {"from": "gpt", "value": "A cat."}]},
  {"id": 42, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"},
   {"from": "human", "value": "Bye"}, {"from": "gpt", "value": "Bye"}]},
  {"id": "v", "image": "some/x.png", "task_name": "flan_task_7", "conversations": []}
]
)";

TEST(DatasetParse, ReadsFieldsSourcesAndTurns) {
  auto ds = ParseText(kThree);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ(ds->size(), 3u);
  const Record& a = (*ds)[0];
  EXPECT_EQ(a.index, 0u);
  EXPECT_EQ(a.id, "a1");
  EXPECT_EQ(a.image, "coco/train2017/1.jpg");
  EXPECT_EQ(a.source, "coco");
  EXPECT_EQ(a.unique_idx, "a1::coco/train2017/1.jpg");
  EXPECT_EQ(a.num_turns, 2u);
  EXPECT_TRUE(a.has_image());
  const Record& b = (*ds)[1];
  EXPECT_EQ(b.id, "42");
  EXPECT_TRUE(b.id_is_number);
  EXPECT_FALSE(b.has_image());
  EXPECT_EQ(b.source, "text-only");
  EXPECT_EQ(b.unique_idx, "42");
  EXPECT_EQ(b.num_turns, 4u);
  EXPECT_EQ((*ds)[2].source, "flan_task_7");
  EXPECT_EQ((*ds)[2].num_turns, 0u);
}

TEST(DatasetParse, RawIsTheRecordsExactBytes) {
  auto ds = ParseText(kThree);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  std::string text(kThree);
  for (const Record& r : ds->records()) {
    ASSERT_FALSE(r.raw.empty());
    EXPECT_EQ(r.raw.front(), '{');
    EXPECT_EQ(r.raw.back(), '}');
    EXPECT_NE(text.find(std::string(r.raw)), std::string::npos);
  }
  EXPECT_EQ(std::string((*ds)[0].raw).find("\"extra\": {\"k\": [1, 2.50, \"x\"]}") != std::string::npos, true);
  EXPECT_EQ((*ds)[2].raw,
            R"({"id": "v", "image": "some/x.png", "task_name": "flan_task_7", "conversations": []})");
}

TEST(DatasetParse, ConversationsAreParsedLazily) {
  auto ds = ParseText(kThree);
  ASSERT_TRUE(ds.ok());
  auto turns = ds->Conversations(0);
  ASSERT_TRUE(turns.ok()) << turns.status().message();
  ASSERT_EQ(turns->size(), 2u);
  EXPECT_EQ((*turns)[0].from, "human");
  EXPECT_EQ((*turns)[0].value, "<image>\nWhat?");
  EXPECT_EQ((*turns)[1].value, "A cat.");
  auto empty = ds->Conversations(2);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(DatasetParse, EmptyArrayIsAnEmptyDataset) {
  auto ds = ParseText(" [ ] \n");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(ds->size(), 0u);
  EXPECT_EQ(ds->FindUniqueIdx("x"), -1);
}

TEST(DatasetParse, RecordWithoutConversations) {
  auto ds = ParseText(R"([{"id": "q", "image": "gqa/images/1.jpg"}])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[0].num_turns, 0u);
  auto turns = ds->Conversations(0);
  ASSERT_TRUE(turns.ok());
  EXPECT_TRUE(turns->empty());
}

TEST(DatasetParse, UnicodeEscapesAreDecodedInValuesAndKeptInRaw) {
  const std::string json =
      R"([{"id": "\u00e9t\u00e9", "image": "vg/\u00fc.jpg", "conversations": [)"
      R"({"from": "human", "value": "<image>\n\ud83d\ude00 \"q\"\\"}, {"from": "gpt", "value": "\u4e2d"}]}])";
  auto ds = ParseText(json);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[0].id, "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ((*ds)[0].image, "vg/\xC3\xBC.jpg");
  EXPECT_EQ((*ds)[0].source, "vg");
  EXPECT_NE(std::string((*ds)[0].raw).find("\\u00e9t\\u00e9"), std::string::npos);
  auto turns = ds->Conversations(0);
  ASSERT_TRUE(turns.ok()) << turns.status().message();
  EXPECT_EQ((*turns)[0].value, "<image>\n\xF0\x9F\x98\x80 \"q\"\\");
  EXPECT_EQ((*turns)[1].value, "\xE4\xB8\xAD");
}

TEST(DatasetParse, LaterDuplicateKeyWinsLikePython) {
  auto ds = ParseText(R"([{"id": "first", "id": "second", "conversations": []}])");
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ((*ds)[0].id, "second");
}

TEST(DatasetParse, SourceRules) {
  auto ds = ParseText(R"([
    {"id": "1", "image": "000000123.jpg"},
    {"id": "2", "image": "ocr_vqa/images/x.jpg"},
    {"id": "3", "image": "textvqa/train_images/x.jpg"},
    {"id": "4", "image": "web/x.jpg"},
    {"id": "5", "image": "flat.jpg", "task_name": "VQA-E"},
    {"id": "6", "image": "7up/x.jpg"}
  ])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[0].source, "coco");  // bare COCO file name (the authors' digit rule)
  EXPECT_EQ((*ds)[1].source, "ocr_vqa");
  EXPECT_EQ((*ds)[2].source, "textvqa");
  EXPECT_EQ((*ds)[3].source, "web");
  EXPECT_EQ((*ds)[4].source, "VQA-E");
  EXPECT_EQ((*ds)[5].source, "coco");
}

TEST(DatasetParse, FindIdAndFindUniqueIdx) {
  auto ds = ParseText(R"([{"id": "b"}, {"id": "a", "image": "x/1.jpg"}, {"id": "b"}, {"id": "c"}])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(ds->FindId("b"), (std::vector<size_t>{0, 2}));
  EXPECT_EQ(ds->FindId("a"), (std::vector<size_t>{1}));
  EXPECT_TRUE(ds->FindId("zz").empty());
  EXPECT_EQ(ds->FindUniqueIdx("a::x/1.jpg"), 1);
  EXPECT_EQ(ds->FindUniqueIdx("b#1"), 2);
  EXPECT_EQ(ds->FindUniqueIdx("b"), -1);
  EXPECT_EQ(ds->Where(3), "t.json: record 3 (id 'c')");
}

TEST(DatasetLoad, ReadsAFileAndNamesMissingOnes) {
  auto dir = TempDir("load");
  WriteText(dir / "d.json", kThree);
  LoadOptions options = Quiet();
  auto ds = Dataset::Load((dir / "d.json").string(), options);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(ds->size(), 3u);
  EXPECT_EQ(ds->path(), (dir / "d.json").string());
  auto missing = Dataset::Load((dir / "nope.json").string(), options);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.json"), std::string::npos);
  auto folder = Dataset::Load(dir.string(), options);
  EXPECT_FALSE(folder.ok());
}

TEST(DatasetLoad, MovedDatasetKeepsItsViewsValid) {
  auto ds = ParseText(kThree);
  ASSERT_TRUE(ds.ok());
  Dataset moved = std::move(ds).value();
  Dataset again = std::move(moved);
  EXPECT_EQ(again.FindUniqueIdx("42"), 1);
  EXPECT_EQ(again[2].raw.substr(0, 11), "{\"id\": \"v\",");
  auto turns = again.Conversations(1);
  ASSERT_TRUE(turns.ok());
  EXPECT_EQ(turns->size(), 4u);
}

TEST(DatasetLoad, RecordSizeLimit) {
  LoadOptions options = Quiet();
  options.max_record_bytes = 20;
  auto ds = Dataset::Parse(R"([{"id": "a"}, {"id": "b", "image": "long/path.jpg"}])", "t.json", options);
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("record 1 (id 'b')"), std::string::npos) << ds.status().message();
  EXPECT_NE(ds.status().message().find("limit of 20"), std::string::npos);
}

}  // namespace
}  // namespace xmas::data
