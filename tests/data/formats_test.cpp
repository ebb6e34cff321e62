// The dataset formats (data/format.h): JSON Lines, ShareGPT "messages"
// records, several images per record; byte-for-byte round trips on the files
// in tests/fixtures/dataset/formats, and the hostile cases' one-line errors.
#include <gtest/gtest.h>

#include <numeric>

#include "test_helpers.h"
#include "xmas/data/dataset.h"
#include "xmas/data/dataset_index.h"
#include "xmas/data/stats.h"
#include "xmas/data/validate.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

const std::string kDir = std::string(XMAS_TEST_DATA_DIR) + "/dataset/formats/";

LoadOptions AnyImages(bool collect = false) {
  LoadOptions options = Quiet(collect);
  options.max_images = 0;
  return options;
}

ValidateOptions NoFiles() {
  ValidateOptions options;
  options.show_progress = false;
  return options;
}

std::vector<size_t> All(const Dataset& ds) {
  std::vector<size_t> all(ds.size());
  std::iota(all.begin(), all.end(), size_t{0});
  return all;
}

Result<Dataset> ParseAs(const std::string& text, const std::string& name, bool collect = false) {
  return Dataset::Parse(text, name, AnyImages(collect));
}

// The message of the first problem `text` has, loading or validating.
std::string FirstProblem(const std::string& text, const std::string& name = "h.jsonl") {
  auto ds = ParseAs(text, name, true);
  if (!ds.ok()) return ds.status().message();
  const auto report = ValidateDataset(*ds, NoFiles());
  if (report.problems.empty()) return "no problem";
  return report.problems.front().message;
}

TEST(Formats, EveryTestFileRoundTripsByteForByte) {
  const auto dir = TempDir("formats_roundtrip");
  for (const std::string name : {"llava.jsonl", "messages.json", "messages.jsonl", "llava_multi.json"}) {
    auto ds = Dataset::Load(kDir + name, AnyImages());
    ASSERT_TRUE(ds.ok()) << name << ": " << ds.status().message();
    const std::string out = (dir / name).string();
    ASSERT_TRUE(WriteSubset(*ds, All(*ds), out).ok()) << name;
    EXPECT_EQ(ReadText(out), ReadText(kDir + name)) << name;
    EXPECT_TRUE(ValidateDataset(*ds, NoFiles()).ok()) << name << ": " << ValidateDataset(*ds, NoFiles()).Summary();
  }
}

TEST(Formats, DetectsContainerAndSchema) {
  struct Case {
    std::string file, format;
    size_t records;
  };
  for (const Case& c : {Case{"llava.jsonl", "jsonl, llava", 4}, Case{"messages.json", "json, messages", 3},
                        Case{"messages.jsonl", "jsonl, messages", 3}, Case{"llava_multi.json", "json, llava", 3}}) {
    auto ds = Dataset::Load(kDir + c.file, AnyImages());
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    EXPECT_EQ(ds->format().Name(), c.format) << c.file;
    EXPECT_EQ(ds->size(), c.records) << c.file;
    auto stats = ComputeStats(*ds, All(*ds), false);
    ASSERT_TRUE(stats.ok());
    EXPECT_NE(StatsToJson(*stats).find(std::string("\"container\":\"") + ds->format().container_name()),
              std::string::npos);
  }
}

TEST(Formats, JsonLinesSubsetIsJsonLines) {
  auto ds = Dataset::Load(kDir + "llava.jsonl", Quiet());
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[1].id, "7");
  EXPECT_TRUE((*ds)[1].id_is_number);
  EXPECT_FALSE((*ds)[1].has_image());
  EXPECT_EQ((*ds)[2].source, "vg");
  EXPECT_EQ((*ds)[0].unique_idx, "000000033471::coco/train2017/000000033471.jpg#0");
  EXPECT_EQ((*ds)[3].unique_idx, "000000033471::coco/train2017/000000033471.jpg#1");
  const auto dir = TempDir("jsonl_subset");
  ASSERT_TRUE(WriteSubset(*ds, {3, 1}, (dir / "s.jsonl").string()).ok());
  EXPECT_EQ(ReadText(dir / "s.jsonl"), std::string((*ds)[3].raw) + "\n" + std::string((*ds)[1].raw) + "\n");
  ASSERT_TRUE(WriteSubset(*ds, {}, (dir / "empty.jsonl").string()).ok());
  EXPECT_EQ(ReadText(dir / "empty.jsonl"), "");
}

TEST(Formats, JsonLinesToleratesBlankLinesAndCrlfButNotSplitRecords) {
  auto ds = ParseAs("\n{\"id\": \"a\"}\r\n\n  {\"id\": \"b\"}  \n{\"id\": \"c\"}", "x.jsonl");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ(ds->size(), 3u);
  EXPECT_EQ((*ds)[0].raw, "{\"id\": \"a\"}");
  EXPECT_EQ((*ds)[1].raw, "{\"id\": \"b\"}");
  EXPECT_EQ((*ds)[2].raw, "{\"id\": \"c\"}");
  auto split = ParseAs("{\"id\": \"a\"}\n{\"id\":\n \"b\"}\n", "x.jsonl");
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.status().message().find("x.jsonl: record 1 (id ''): invalid JSON at line 2"), std::string::npos)
      << split.status().message();
  auto two = ParseAs("{\"id\": \"a\"} {\"id\": \"b\"}\n", "x.jsonl");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("record 0 (id 'a'): invalid JSON at line 1, column 13"), std::string::npos)
      << two.status().message();
}

TEST(Formats, MessagesReadAsTurns) {
  auto ds = Dataset::Load(kDir + "messages.json", AnyImages());
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  // No "id": the record's index stands for it (a number id).
  EXPECT_EQ((*ds)[0].id, "0");
  EXPECT_EQ((*ds)[0].unique_idx, "0::['mllm_demo_data/1.jpg']");
  EXPECT_EQ((*ds)[0].source, "mllm_demo_data");
  EXPECT_EQ((*ds)[1].id, "t-2");
  EXPECT_EQ((*ds)[1].unique_idx, "t-2");
  EXPECT_EQ((*ds)[2].num_images(), 2u);
  EXPECT_EQ((*ds)[2].unique_idx, "pair-3::['frames/a.jpg', 'frames/b.jpg']");
  auto turns = ds->Conversations(0);
  ASSERT_TRUE(turns.ok()) << turns.status().message();
  ASSERT_EQ(turns->size(), 3u);
  EXPECT_EQ((*turns)[0].from, "system");
  EXPECT_EQ((*turns)[1].from, "human");
  EXPECT_EQ((*turns)[1].value, "<image>Who is in the picture?");
  EXPECT_EQ((*turns)[2].from, "gpt");
  auto french = ds->Conversations(1);
  ASSERT_TRUE(french.ok());
  EXPECT_EQ((*french)[2].value, "Again, \xc3\xa0 la fran\xc3\xa7" "aise.");
}

TEST(Formats, SeveralImagesKeepOrderAndPythonKeys) {
  auto ds = Dataset::Load(kDir + "llava_multi.json", AnyImages());
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[0].image, "coco/a.jpg");
  EXPECT_EQ((*ds)[0].more_images, std::vector<std::string>{"coco/b.jpg"});
  EXPECT_EQ((*ds)[0].unique_idx, "m1::['coco/a.jpg', 'coco/b.jpg']");  // Python: f"{id}::{image}"
  EXPECT_EQ((*ds)[1].unique_idx, "m2::gqa/single.jpg");
  EXPECT_EQ((*ds)[2].unique_idx, "m3::[\"it's/q.jpg\"]");
  auto numbers = Dataset::Load(kDir + "messages.jsonl", AnyImages());
  ASSERT_TRUE(numbers.ok()) << numbers.status().message();
  EXPECT_EQ((*numbers)[1].unique_idx, "1");  // "images": [] is a text-only record
  EXPECT_EQ((*numbers)[2].unique_idx, "1000.0::['x/1.png', 'x/2.png', 'x/3.png']");
}

TEST(Formats, ReadersOfOneImageRefuseSeveral) {
  auto ds = Dataset::Load(kDir + "llava_multi.json", Quiet());
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().message(),
            kDir + "llava_multi.json: record 0 (id 'm1'): field 'image': 2 images, but this command reads at most 1 "
                   "per record (several images: xmas data, xmas select)");
  auto messages = Dataset::Load(kDir + "messages.json", Quiet());
  ASSERT_FALSE(messages.ok());
  EXPECT_NE(messages.status().message().find("record 2 (id 'pair-3'): field 'images': 2 images"), std::string::npos);
}

TEST(Formats, HostileRecordsGiveOneLineErrors) {
  struct Case {
    std::string text, expect;
  };
  const std::string turns = R"("messages": [{"role": "user", "content": "<image>q"}, {"role": "assistant", "content": "a"}])";
  for (const Case& c : {
           Case{R"({"id": "a", "messages": [{"role": "human", "content": "<image>q"}, {"role": "gpt", "content": "a"}], "images": ["x.jpg"]})",
                "h.jsonl: record 0 (id 'a'): field 'messages[0].role': expected 'user', found 'human'"},
           Case{R"({"id": "a", "messages": [{"role": "user", "content": "q"}, {"role": "bot", "content": "a"}]})",
                "record 0 (id 'a'): field 'messages[1].role': expected 'assistant', found 'bot'"},
           Case{R"({"id": "a", "messages": [{"from": "user", "value": "q"}]})",
                "record 0 (id 'a'): field 'messages[0].role': missing"},
           Case{R"({"id": "a", "messages": [{"role": "user", "content": [{"type": "text"}]}]})",
                "record 0 (id 'a'): field 'messages[0].content': expected a string, found an array"},
           Case{R"({"id": "a", )" + turns + R"(, "images": ["x.jpg", "y.jpg"]})",
                "record 0 (id 'a'): field 'messages': a record with 2 images needs one <image> per image, found 1"},
           Case{R"({"id": "a", "image": ["x.jpg", "y.jpg", "z.jpg"], "conversations": [{"from": "human", "value": "<image><image><image><image>"}, {"from": "gpt", "value": "a"}]})",
                "field 'conversations': a record with 3 images needs one <image> per image, found 4"},
           Case{R"({"id": "a", "image": ["x.jpg", 3]})", "record 0 (id 'a'): field 'image[1]': expected a string, found a number"},
           Case{R"({"id": "a", "images": ["x.jpg", ""]})", "record 0 (id 'a'): field 'images[1]': empty image path"},
           Case{R"({"id": "a", "images": {"x": 1}})", "field 'images': expected a path or a list of paths, found an object"},
           Case{R"({"id": "a", "image": "x.jpg", "images": ["y.jpg"]})", "field 'images': both 'image' and 'images'"},
           Case{R"({"id": "a", "conversations": [], )" + turns + "}",
                "record 0 (id 'a'): field 'messages': both 'conversations' (LLaVA) and 'messages' (ShareGPT): mixed formats in one record"},
           Case{R"({"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]})",
                "record 0 (id ''): field 'id': missing"},
       }) {
    EXPECT_NE(FirstProblem(c.text).find(c.expect), std::string::npos) << c.text << "\n-> " << FirstProblem(c.text);
    EXPECT_EQ(FirstProblem(c.text).find('\n'), std::string::npos);
  }
}

TEST(Formats, MixedFormatsInOneFileAreRefused) {
  const std::string llava = R"({"id": "a", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]})";
  const std::string messages = R"({"id": "b", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]})";
  auto ds = ParseAs(llava + "\n" + llava + "\n" + messages + "\n", "mixed.jsonl");
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().message(),
            "mixed.jsonl: record 2 (id 'b'): field 'messages': this record has 'messages' but record 0 has "
            "'conversations': mixed formats (ShareGPT messages and LLaVA) in one file");
  auto array = ParseAs("[" + messages + ",\n" + llava + "]", "mixed.json");
  ASSERT_FALSE(array.ok());
  EXPECT_NE(array.status().message().find("mixed.json: record 1 (id 'a'): field 'conversations': this record has "
                                          "'conversations' but record 0 has 'messages'"),
            std::string::npos)
      << array.status().message();
  // A record without turns takes the file's schema: no id is then an error only in LLaVA files.
  auto idless = ParseAs(messages + "\n{\"images\": [\"x.jpg\"]}\n", "m.jsonl", true);
  ASSERT_TRUE(idless.ok()) << idless.status().message();
  EXPECT_EQ((*idless)[1].id, "1");
}

TEST(Formats, TopLevelThatIsNeitherArrayNorLinesIsRefused) {
  auto ds = ParseAs("  \"just a string\"", "s.json");
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("s.json: expected a JSON array of records at the top level, or JSON Lines"),
            std::string::npos)
      << ds.status().message();
  auto empty = ParseAs(" \n ", "e.jsonl");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("e.jsonl: empty file"), std::string::npos);
}

TEST(Formats, IndexAgreesWithDatasetOnEveryFormat) {
  for (const std::string name : {"llava.jsonl", "messages.json", "messages.jsonl", "llava_multi.json"}) {
    auto full = Dataset::Load(kDir + name, AnyImages());
    ASSERT_TRUE(full.ok()) << full.status().message();
    for (size_t block : {1, 7, 64, 1 << 20}) {
      auto index = DatasetIndex::Load(kDir + name, Quiet(), block);
      ASSERT_TRUE(index.ok()) << name << " block " << block << ": " << index.status().message();
      EXPECT_EQ(index->format().Name(), full->format().Name());
      ASSERT_EQ(index->size(), full->size()) << name << " block " << block;
      for (size_t i = 0; i < full->size(); ++i) {
        EXPECT_EQ(index->unique_idx(i), (*full)[i].unique_idx) << name << " " << i;
        EXPECT_EQ(index->id(i), (*full)[i].id);
        EXPECT_EQ(index->source(i), (*full)[i].source);
        EXPECT_EQ(index->has_image(i), (*full)[i].has_image());
        EXPECT_EQ(index->raw_size(i), (*full)[i].raw.size());
      }
    }
  }
}

// Many records, so that several threads and batches share the work: the
// result (and the first error) must not depend on the thread count.
std::string ManyRecords(size_t n, const std::string& bad_at) {
  std::string text = "[\n";
  for (size_t i = 0; i < n; ++i) {
    if (i) text += ",\n";
    const std::string id = std::to_string(i % (n - 7));  // a few repeated ids: "#n" keys
    if (bad_at.find("," + std::to_string(i) + ",") != std::string::npos) {
      text += "{\"id\": \"" + id + "\", \"image\": 17}";
    } else {
      text += "{\"id\": \"" + id + "\", \"image\": \"coco/" + id + ".jpg\", \"conversations\": []}";
    }
  }
  return text + "\n]\n";
}

TEST(Formats, ParallelLoadDoesNotDependOnThreads) {
  const std::string good = ManyRecords(9000, "");
  const std::string bad = ManyRecords(9000, ",4100,8000,");
  std::vector<std::string> keys;
  for (int threads : {1, 2, 5}) {
    LoadOptions options = Quiet();
    options.threads = threads;
    auto ds = Dataset::Parse(good, "many.json", options);
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    std::string all;
    for (const Record& r : ds->records()) all += r.unique_idx + "|" + std::string(r.raw) + "\n";
    keys.push_back(all);
    auto strict = Dataset::Parse(bad, "bad.json", options);
    ASSERT_FALSE(strict.ok());
    EXPECT_NE(strict.status().message().find("bad.json: record 4100 (id '4100'): field 'image'"), std::string::npos)
        << strict.status().message();
    options.collect_record_problems = true;
    auto collected = Dataset::Parse(bad, "bad.json", options);
    ASSERT_TRUE(collected.ok());
    ASSERT_EQ(collected->load_problems().size(), 2u);
    EXPECT_EQ(collected->load_problems()[0].index, 4100u);
    EXPECT_EQ(collected->load_problems()[1].index, 8000u);
  }
  EXPECT_EQ(keys[0], keys[1]);
  EXPECT_EQ(keys[0], keys[2]);
  EXPECT_NE(keys[0].find("0::coco/0.jpg#0"), std::string::npos);
}

}  // namespace
}  // namespace xmas::data
