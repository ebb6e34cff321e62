#include <gtest/gtest.h>

#include "test_helpers.h"
#include "xmas/data/dataset.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

const char* kData =
    "[\n"
    "    {\n        \"id\": \"a\",\n        \"unknown\": [1, {\"z\": null}],\n        \"conversations\": []\n    },\n"
    "    {\"id\": 5, \"image\": \"gqa/x.jpg\", \"note\": \"\\u00e9\"},\n"
    "    {\"id\": \"c\", \"weird\":1.50e+2}\n"
    "]\n";

TEST(WriteSubset, WritesRecordsByteForByteInTheGivenOrder) {
  auto dir = TempDir("subset");
  WriteText(dir / "in.json", kData);
  auto ds = Dataset::Load((dir / "in.json").string(), Quiet());
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  const std::string out = (dir / "out.json").string();
  ASSERT_TRUE(WriteSubset(*ds, {2, 0}, out).ok());
  const std::string written = ReadText(out);
  EXPECT_EQ(written, "[\n" + std::string((*ds)[2].raw) + ",\n" + std::string((*ds)[0].raw) + "\n]\n");
  EXPECT_NE(written.find("\"unknown\": [1, {\"z\": null}]"), std::string::npos);
  EXPECT_NE(written.find("\"weird\":1.50e+2"), std::string::npos);

  auto back = Dataset::Load(out, Quiet());
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].raw, (*ds)[2].raw);
  EXPECT_EQ((*back)[1].raw, (*ds)[0].raw);
}

TEST(WriteSubset, AllRecordsRoundTrip) {
  auto ds = ParseText(kData);
  ASSERT_TRUE(ds.ok());
  auto dir = TempDir("roundtrip");
  const std::string out = (dir / "all.json").string();
  ASSERT_TRUE(WriteSubset(*ds, {0, 1, 2}, out).ok());
  auto back = Dataset::Load(out, Quiet());
  ASSERT_TRUE(back.ok());
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*back)[i].raw, (*ds)[i].raw);
    EXPECT_EQ((*back)[i].unique_idx, (*ds)[i].unique_idx);
  }
  ASSERT_TRUE(WriteSubset(*ds, {}, out).ok());
  EXPECT_EQ(ReadText(out), "[\n]\n");
  auto empty = Dataset::Load(out, Quiet());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

TEST(WriteSubset, RefusesItsInputAndBadIndicesAndLeavesNoFile) {
  auto dir = TempDir("refuse");
  WriteText(dir / "in.json", kData);
  auto ds = Dataset::Load((dir / "in.json").string(), Quiet());
  ASSERT_TRUE(ds.ok());
  Status same = WriteSubset(*ds, {0}, (dir / "in.json").string());
  EXPECT_FALSE(same.ok());
  EXPECT_EQ(ReadText(dir / "in.json"), kData);
  Status range = WriteSubset(*ds, {0, 3}, (dir / "o.json").string());
  EXPECT_FALSE(range.ok());
  EXPECT_NE(range.message().find("index 3"), std::string::npos);
  Status no_dir = WriteSubset(*ds, {0}, (dir / "missing" / "o.json").string());
  EXPECT_FALSE(no_dir.ok());
  EXPECT_FALSE(fs::exists(dir / "o.json"));
  size_t files = 0;
  for (auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary left behind
}

}  // namespace
}  // namespace xmas::data
