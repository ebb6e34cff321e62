// Subset lists handed on and read back: indices as .npy (int64) or text, ids.
#include <gtest/gtest.h>

#include "test_helpers.h"
#include "xmas/data/dataset.h"
#include "xmas/data/selection_list.h"
#include "xmas/util/npy.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

const char* kData = R"([{"id": "a"}, {"id": "b"}, {"id": 3}, {"id": "d"}, {"id": "a"}])";

TEST(SubsetLists, IndicesRoundTripThroughNpyAndText) {
  auto ds = ParseText(kData);
  ASSERT_TRUE(ds.ok());
  const auto dir = TempDir("lists");
  for (const std::string name : {"i.npy", "i.txt"}) {
    const std::string path = (dir / name).string();
    ASSERT_TRUE(WriteIndexList(path, {4, 0, 2}).ok());
    auto back = ReadIndexList(path, *ds);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, (std::vector<size_t>{0, 2, 4})) << name;
  }
  EXPECT_EQ(ReadText(dir / "i.txt"), "0\n2\n4\n");
  auto npy = ReadNpy((dir / "i.npy").string());
  ASSERT_TRUE(npy.ok());
  EXPECT_EQ(npy->type, NpyType::kInt64);
  ASSERT_EQ(npy->shape, std::vector<int64_t>{3});
  EXPECT_EQ(npy->as<int64_t>()[2], 4);
}

TEST(SubsetLists, NpyIndicesAreChecked) {
  auto ds = ParseText(kData);
  ASSERT_TRUE(ds.ok());
  const auto dir = TempDir("lists_bad");
  const std::vector<int32_t> fine = {3, 1, 3};
  ASSERT_TRUE(WriteNpy((dir / "i32.npy").string(), NpyType::kInt32, fine.data(), 3, -1).ok());
  auto back = ReadIndexList((dir / "i32.npy").string(), *ds);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, (std::vector<size_t>{1, 3}));
  const std::vector<int64_t> negative = {0, -1};
  ASSERT_TRUE(WriteNpy((dir / "neg.npy").string(), NpyType::kInt64, negative.data(), 2, -1).ok());
  auto bad = ReadIndexList((dir / "neg.npy").string(), *ds);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("neg.npy: element 1: index -1 is out of range (t.json has 5 records)"),
            std::string::npos)
      << bad.status().message();
  const std::vector<float> floats = {0.0f};
  ASSERT_TRUE(WriteNpy((dir / "f.npy").string(), NpyType::kFloat32, floats.data(), 1, -1).ok());
  EXPECT_FALSE(ReadIndexList((dir / "f.npy").string(), *ds).ok());
  const std::vector<int64_t> matrix = {0, 1, 2, 3};
  ASSERT_TRUE(WriteNpy((dir / "m.npy").string(), NpyType::kInt64, matrix.data(), 2, 2).ok());
  EXPECT_FALSE(ReadIndexList((dir / "m.npy").string(), *ds).ok());
}

TEST(SubsetLists, IdsOnePerLine) {
  const auto dir = TempDir("ids");
  ASSERT_TRUE(WriteIdList((dir / "ids.txt").string(), {"a", "3", "a"}).ok());
  EXPECT_EQ(ReadText(dir / "ids.txt"), "a\n3\na\n");
  Status broken = WriteIdList((dir / "bad.txt").string(), {"a", "x\ny"});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("holds a line break"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "bad.txt"));
}

}  // namespace
}  // namespace xmas::data
