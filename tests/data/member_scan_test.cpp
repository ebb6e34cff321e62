// The array split on several threads against the sequential member scan.
#include <gtest/gtest.h>

#include <random>

#include "xmas/data/member_scan.h"

namespace xmas::data {
namespace {

std::vector<JsonMember> Sequential(std::string_view text, bool* ok) {
  MemberScanner scanner('[', "t.json", [](uint64_t at) { return std::to_string(at); });
  std::vector<JsonMember> members;
  size_t pos = 0;
  *ok = scanner.Scan(text, 0, &pos, &members).ok() && scanner.Finish(text, 0, &members).ok();
  return members;
}

// A random JSON value with strings full of what the scan must not trust.
std::string Value(std::mt19937& rng, int depth) {
  const int kind = std::uniform_int_distribution<int>(0, depth > 3 ? 2 : 5)(rng);
  static const char* strings[] = {R"("a,b")", R"("]}[{")", R"("say \"hi\", ok")", R"("back\\")", R"("\\\"],")", R"("")"};
  if (kind == 0) return std::to_string(rng() % 1000);
  if (kind <= 2) return strings[rng() % 6];
  const bool object = kind == 5;
  std::string out = object ? "{" : "[";
  const int n = static_cast<int>(rng() % 4);
  for (int i = 0; i < n; ++i) {
    if (i) out += rng() % 3 == 0 ? ",\n  " : ", ";
    if (object) out += std::string(strings[rng() % 6]) + ": ";
    out += Value(rng, depth + 1);
  }
  return out + (object ? "}" : "]");
}

TEST(SplitArrayInParallel, AgreesWithTheSequentialScan) {
  std::mt19937 rng(2026);
  int decided = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = "[\n";
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) text += (i ? ",\n" : "") + Value(rng, 0);
    text += round % 7 == 0 ? "]" : "\n]\n";
    bool ok = false;
    const auto expected = Sequential(text, &ok);
    ASSERT_TRUE(ok) << text;
    for (int threads : {2, 3, 5}) {
      std::vector<JsonMember> got;
      if (!SplitArrayInParallel(text, threads, &got)) continue;  // undecided: the sequential scan runs
      ++decided;
      ASSERT_EQ(got.size(), expected.size()) << text;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].begin, expected[i].begin) << text;
        EXPECT_EQ(got[i].end, expected[i].end) << text;
      }
    }
  }
  EXPECT_GT(decided, 600);  // of 900: the parallel path did the work
}

TEST(SplitArrayInParallel, DecidesLargeLineBrokenArrays) {
  std::string text = "[\n";
  for (int i = 0; i < 5000; ++i) text += (i ? ",\n" : "") + std::string(R"({"id": "x,]", "v": [1, {"k": "\"}"}]})");
  text += "\n]\n";
  std::vector<JsonMember> got;
  ASSERT_TRUE(SplitArrayInParallel(text, 4, &got));
  bool ok = false;
  EXPECT_EQ(got.size(), Sequential(text, &ok).size());
  EXPECT_EQ(got.size(), 5000u);
}

TEST(SplitArrayInParallel, LeavesEveryMalformedArrayToTheSequentialScan) {
  const std::string record = R"({"id": "a"})";
  for (const std::string& bad :
       {"[\n" + record + ",\n]", "[\n" + record + "\n", "[\n" + record + "\n] x\n", "[\n,\n" + record + "]",
        "[\n" + record + "\n}\n", "[\n" + record + "]]\n", "[\n\"open\n" + record + "]", std::string("[\n]\n")}) {
    std::vector<JsonMember> got;
    bool ok = false;
    const auto expected = Sequential(bad, &ok);
    for (int threads : {2, 3}) {
      if (SplitArrayInParallel(bad, threads, &got)) {
        EXPECT_TRUE(ok) << "split a malformed array: " << bad;
        EXPECT_EQ(got.size(), expected.size()) << bad;
      }
    }
  }
}

}  // namespace
}  // namespace xmas::data
