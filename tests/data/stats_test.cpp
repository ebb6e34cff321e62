#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_helpers.h"
#include "xmas/data/selection_list.h"
#include "xmas/data/stats.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

TEST(Stats, NearestRankSummary) {
  Distribution d = Summarize({4, 1, 3, 2});
  EXPECT_EQ(d.count, 4u);
  EXPECT_EQ(d.min, 1u);
  EXPECT_EQ(d.median, 2u);
  EXPECT_EQ(d.p90, 4u);
  EXPECT_EQ(d.max, 4u);
  EXPECT_DOUBLE_EQ(d.mean, 2.5);
  std::vector<size_t> hundred;
  for (size_t i = 1; i <= 100; ++i) hundred.push_back(101 - i);
  Distribution h = Summarize(hundred);
  EXPECT_EQ(h.median, 50u);
  EXPECT_EQ(h.p90, 90u);
  Distribution empty = Summarize({});
  EXPECT_EQ(empty.count, 0u);
  EXPECT_EQ(empty.max, 0u);
}

TEST(Stats, CountsSourcesTurnsAndLengths) {
  auto ds = ParseText(R"([
    {"id": "1", "image": "coco/a.jpg", "conversations": [{"from": "human", "value": "<image>\nWhat  is\tit?"}, {"from": "gpt", "value": "A cat."}]},
    {"id": "2", "image": "gqa/b.jpg", "conversations": [{"from": "human", "value": "<image> é"}, {"from": "gpt", "value": "x"}, {"from": "human", "value": "y"}, {"from": "gpt", "value": "z"}]},
    {"id": "3", "conversations": [{"from": "human", "value": "hello"}, {"from": "gpt", "value": "world"}]},
    {"id": "4", "image": "coco/c.jpg"}
  ])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  auto stats = ComputeStats(*ds, {0, 1, 2, 3}, false);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->records, 4u);
  EXPECT_EQ(stats->with_image, 3u);
  EXPECT_EQ(stats->text_only, 1u);
  EXPECT_EQ(stats->by_source, (std::map<std::string, size_t>{{"coco", 2}, {"gqa", 1}, {"text-only", 1}}));
  EXPECT_EQ(stats->turns.max, 4u);
  EXPECT_EQ(stats->turns.min, 0u);
  // Record 0: "<image>\nWhat  is\tit?" (20 chars, 4 words) + "A cat." (6, 2).
  EXPECT_EQ(stats->chars.max, 26u);
  EXPECT_EQ(stats->words.max, 6u);
  // Characters per record: 26, 12 ("<image> é" is 9: é counts once), 10, 0.
  EXPECT_EQ(stats->chars.median, 10u);
  EXPECT_DOUBLE_EQ(stats->chars.mean, 12.0);
  const std::string table = FormatStatsTable(*stats);
  EXPECT_NE(table.find("4 records, 3 with an image, 1 text-only"), std::string::npos) << table;
  EXPECT_NE(table.find("coco"), std::string::npos);
  auto json = nlohmann::json::parse(StatsToJson(*stats));
  EXPECT_EQ(json["records"], 4);
  EXPECT_EQ(json["by_source"]["gqa"], 1);
  EXPECT_EQ(json["words"]["max"], 6);
  EXPECT_EQ(json["text_only"], 1);

  auto subset = ComputeStats(*ds, {2}, false);
  ASSERT_TRUE(subset.ok());
  EXPECT_EQ(subset->skipped, 3u);
}

TEST(SelectionList, IndicesAndIds) {
  auto dir = TempDir("lists");
  auto ds = ParseText(R"([{"id": "a"}, {"id": "b"}, {"id": "a"}, {"id": "c d"}])");
  ASSERT_TRUE(ds.ok());
  WriteText(dir / "idx.txt", "3\r\n\n 1 \n3\n0\n");
  auto indices = ReadIndexList((dir / "idx.txt").string(), *ds);
  ASSERT_TRUE(indices.ok()) << indices.status().message();
  EXPECT_EQ(*indices, (std::vector<size_t>{0, 1, 3}));

  WriteText(dir / "range.txt", "1\n4\n");
  auto range = ReadIndexList((dir / "range.txt").string(), *ds);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.status().message(),
            (dir / "range.txt").string() + ":2: index 4 is out of range (t.json has 4 records)");
  WriteText(dir / "bad.txt", "1\n-2\n");
  auto bad = ReadIndexList((dir / "bad.txt").string(), *ds);
  EXPECT_NE(bad.status().message().find("bad.txt:2: '-2' is not a record index"), std::string::npos);
  EXPECT_EQ(ReadIndexList((dir / "none.txt").string(), *ds).status().code(), Status::Code::kNotFound);

  WriteText(dir / "ids.txt", "c d\na\n");
  auto ids = ReadIdList((dir / "ids.txt").string(), *ds);
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ(*ids, (std::vector<size_t>{0, 2, 3}));
  WriteText(dir / "unknown.txt", "a\nzz\n");
  auto unknown = ReadIdList((dir / "unknown.txt").string(), *ds);
  EXPECT_EQ(unknown.status().message(), (dir / "unknown.txt").string() + ":2: id 'zz' is not in t.json");
}

}  // namespace
}  // namespace xmas::data
