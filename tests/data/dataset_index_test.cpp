// data::DatasetIndex (the light index `xmas select` loads) against
// data::Dataset::Load, and the chunked reader under it.
#include <gtest/gtest.h>

#include <fstream>

#include "../select/test_util.h"
#include "xmas/data/dataset.h"
#include "xmas/data/dataset_index.h"
#include "xmas/data/json_chunks.h"

namespace xmas::data {
namespace {
using select::testing::TempDir;

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Strings that look like structure, escapes before quotes, number ids,
// repeated keys ("#n"), task_name, text-only records, unknown fields; the
// whole list three times (more "#n").
std::string TrickyFile() {
  std::string s = " \n[\n";
  const char* records[] = {
      R"({"id": "a", "image": "coco/1.jpg", "conversations": [{"from": "human", "value": "{[,]}\"\\"}]})",
      R"({"id": "a", "image": "coco/1.jpg", "conversations": []})",
      R"({"id": 7, "image": "0001.jpg", "extra": {"k": [1, {"x": "]"}]}, "conversations": []})",
      R"({"id": 1e5, "conversations": [{"from": "gpt", "value": "\\\\"}]})",
      R"({"id": "q\"uote\\", "image": "gqa/\u00e9.jpg", "task_name": "my_task"})",
      R"({ "conversations" : [ ] , "id" : "spaced" , "image" : "vg/2.jpg" })",
      R"({"id": "a", "image": "coco/1.jpg"})",
      R"({"id": "dup", "id": "later-wins", "image": "ocr_vqa/x.jpg"})",
  };
  for (int rep = 0; rep < 3; ++rep) {
    for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); ++i) {
      s += (rep || i) ? " ,\n" : "";
      s += records[i];  // repeats get "#n" suffixes
    }
  }
  return s + "\n]\n";
}

TEST(DatasetIndex, AgreesWithDatasetLoadForEveryBlockSize) {
  TempDir d;
  Write(d / "data.json", TrickyFile());
  auto full = Dataset::Load(d / "data.json");
  ASSERT_TRUE(full.ok()) << full.status().message();
  for (size_t block : {1, 3, 17, 64, 1000, 1 << 20}) {
    auto index = DatasetIndex::Load(d / "data.json", {}, block);
    ASSERT_TRUE(index.ok()) << block << ": " << index.status().message();
    ASSERT_EQ(index->size(), full->size());
    std::vector<size_t> all;
    for (size_t i = 0; i < full->size(); ++i) {
      const Record& r = (*full)[i];
      EXPECT_EQ(index->id(i), r.id) << i;
      EXPECT_EQ(index->unique_idx(i), r.unique_idx) << i;
      EXPECT_EQ(index->source(i), r.source) << i;
      EXPECT_EQ(index->has_image(i), r.has_image()) << i;
      EXPECT_EQ(index->FindUniqueIdx(r.unique_idx), static_cast<long>(i));
      all.push_back(full->size() - 1 - i);
    }
    std::vector<size_t> seen;
    ASSERT_TRUE(index->ForEachRaw(all, [&](size_t i, std::string_view raw) {
      EXPECT_EQ(raw, (*full)[i].raw) << i;
      seen.push_back(i);
      return Status::Ok();
    }).ok());
    EXPECT_EQ(seen, all);
  }
  EXPECT_EQ(DatasetIndex::Of(*full).unique_idx(1), (*full)[1].unique_idx);
  EXPECT_EQ(DatasetIndex::Of(*full).FindUniqueIdx("nope"), -1);
}

TEST(DatasetIndex, RejectsWhatDatasetLoadRejects) {
  const std::string ok = R"({"id": "a", "image": "coco/1.jpg"})";
  struct Case {
    std::string text, expect;
  };
  for (const Case& c : {Case{"", "empty file"}, Case{"\"x\"", "expected a JSON array"},
                        Case{"[" + ok, "not closed"}, Case{"[" + ok + ",]", "missing value"},
                        Case{"[" + ok + "] x", "after the top-level"},
                        Case{"[" + ok + ", 3]", "record 1 (id ''): expected an object"},
                        Case{R"([{"image": "a.jpg"}])", "field 'id': missing"},
                        Case{R"([{"id": "a", "image": 5}])", "record 0 (id 'a'): field 'image'"},
                        Case{R"([{"id": "a", "conversations": {}}])", "field 'conversations'"},
                        Case{R"([{"id": "a", "x": [1, 2}])", "invalid JSON"},
                        Case{R"([{"id": "1#0"}, {"id": "1"}, {"id": "1"}])", "also record"}}) {
    TempDir d;
    Write(d / "bad.json", c.text);
    EXPECT_FALSE(Dataset::Load(d / "bad.json").ok()) << c.text;
    for (size_t block : {2, 1 << 20}) {
      auto index = DatasetIndex::Load(d / "bad.json", {}, block);
      ASSERT_FALSE(index.ok()) << c.text;
      EXPECT_NE(index.status().message().find(c.expect), std::string::npos)
          << c.text << " -> " << index.status().message();
      EXPECT_NE(index.status().message().find("bad.json"), std::string::npos);
    }
  }
}

TEST(DatasetIndex, ChangedFileIsAnErrorWhenWritingRecords) {
  TempDir d;
  Write(d / "data.json", R"([{"id": "a"}, {"id": "b"}])");
  auto index = DatasetIndex::Load(d / "data.json");
  ASSERT_TRUE(index.ok());
  Write(d / "data.json", R"([{"id": "a"},  {"id": "c"}])");
  auto st = index->ForEachRaw({1}, [](size_t, std::string_view) { return Status::Ok(); });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("changed"), std::string::npos) << st.message();
}

TEST(JsonChunkReader, ObjectMembersKeepTheirFileRanges) {
  TempDir d;
  const std::string text = R"({"a": [1, 2], "b\"}": {"c": "]"}, "d": 3})";
  Write(d / "o.json", text);
  for (size_t block : {1, 5, 4096}) {
    auto r = JsonChunkReader::Open(d / "o.json", '{', block);
    ASSERT_TRUE(r.ok());
    std::vector<std::string> members;
    for (;;) {
      auto more = r->Next();
      ASSERT_TRUE(more.ok()) << more.status().message();
      if (!*more) break;
      for (const JsonMember& m : r->members()) members.push_back(text.substr(m.begin, m.end - m.begin));
    }
    EXPECT_EQ(members, (std::vector<std::string>{R"("a": [1, 2])", R"("b\"}": {"c": "]"})", R"("d": 3)"}));
  }
}

}  // namespace
}  // namespace xmas::data
