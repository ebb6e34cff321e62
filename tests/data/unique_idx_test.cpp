// Golden unique_idx cases: the authors' duplicate-suffix rule (docs/method.md §3).
#include <gtest/gtest.h>

#include "test_helpers.h"
#include "xmas/data/dataset.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

std::vector<std::string> Keys(const Dataset& ds) {
  std::vector<std::string> keys;
  for (const Record& r : ds.records()) keys.push_back(r.unique_idx);
  return keys;
}

TEST(UniqueIdx, RepeatsGetHashSuffixesInFileOrder) {
  auto ds = ParseText(R"([
    {"id": "a", "image": "x.jpg"}, {"id": "a", "image": "x.jpg"}, {"id": "b"},
    {"id": "a", "image": "y.jpg"}, {"id": "a", "image": "x.jpg"}, {"id": "b"}, {"id": "c"}
  ])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(Keys(*ds), (std::vector<std::string>{"a::x.jpg#0", "a::x.jpg#1", "b#0", "a::y.jpg",
                                                 "a::x.jpg#2", "b#1", "c"}));
}

TEST(UniqueIdx, TextOnlyAndImageKeysDiffer) {
  auto ds = ParseText(R"([{"id": "a"}, {"id": "a", "image": "p/q.jpg"}, {"id": "a"}])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(Keys(*ds), (std::vector<std::string>{"a#0", "a::p/q.jpg", "a#1"}));
}

TEST(UniqueIdx, NumberIdsUsePythonStr) {
  auto ds = ParseText(R"([{"id": 7}, {"id": 7.0, "image": "i.jpg"}, {"id": 1e5}, {"id": -0},
                         {"id": 12345678901234567890123}, {"id": "7"}])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)[1].id, "7.0");
  EXPECT_EQ((*ds)[2].id, "1e5");  // the id as written
  // 7 and "7" share the base "7", exactly as str() makes them in Python.
  EXPECT_EQ(Keys(*ds), (std::vector<std::string>{"7#0", "7.0::i.jpg", "100000.0", "0",
                                                 "12345678901234567890123", "7#1"}));
}

TEST(UniqueIdx, PythonNumberStr) {
  EXPECT_EQ(PythonNumberStr("15"), "15");
  EXPECT_EQ(PythonNumberStr("-3"), "-3");
  EXPECT_EQ(PythonNumberStr("-0"), "0");
  EXPECT_EQ(PythonNumberStr("1.0"), "1.0");
  EXPECT_EQ(PythonNumberStr("0.1"), "0.1");
  EXPECT_EQ(PythonNumberStr("123.456"), "123.456");
  EXPECT_EQ(PythonNumberStr("1E5"), "100000.0");
  EXPECT_EQ(PythonNumberStr("1e15"), "1000000000000000.0");
  EXPECT_EQ(PythonNumberStr("1e16"), "1e+16");
  EXPECT_EQ(PythonNumberStr("1.5e300"), "1.5e+300");
  EXPECT_EQ(PythonNumberStr("0.0001"), "0.0001");
  EXPECT_EQ(PythonNumberStr("0.00001"), "1e-05");
  EXPECT_EQ(PythonNumberStr("2.5e-7"), "2.5e-07");
  EXPECT_EQ(PythonNumberStr("-0.0"), "-0.0");
  EXPECT_EQ(PythonNumberStr("1234567.125"), "1234567.125");
  EXPECT_EQ(PythonNumberStr("0.30000000000000004"), "0.30000000000000004");
}

TEST(UniqueIdx, AssignOnPlainRecords) {
  std::vector<Record> records(4);
  records[0].id = "k";
  records[1].id = "k";
  records[1].image = "a/b.jpg";
  records[2].id = "k";
  records[3].id = "k";
  records[3].image = "a/b.jpg";
  AssignUniqueIdx(&records);
  EXPECT_EQ(records[0].unique_idx, "k#0");
  EXPECT_EQ(records[1].unique_idx, "k::a/b.jpg#0");
  EXPECT_EQ(records[2].unique_idx, "k#1");
  EXPECT_EQ(records[3].unique_idx, "k::a/b.jpg#1");
}

TEST(UniqueIdx, CollidingKeysFailLikeTheAuthorsCheck) {
  const char* json = R"([{"id": "x"}, {"id": "x"}, {"id": "x#1"}])";
  auto ds = ParseText(json);
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("t.json: record 2 (id 'x#1'): field 'unique_idx'"), std::string::npos)
      << ds.status().message();
  auto collected = ParseText(json, /*collect=*/true);
  ASSERT_TRUE(collected.ok());
  ASSERT_EQ(collected->load_problems().size(), 1u);
  EXPECT_EQ(collected->load_problems()[0].index, 2u);
  EXPECT_EQ(collected->FindUniqueIdx("x#1"), 1);
}

}  // namespace
}  // namespace xmas::data
