// The majority-answer baseline (majority_baseline.h) on hand-made benchmarks.
#include "xmas/eval/majority_baseline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "xmas/util/atomic_file.h"

namespace xmas::eval {
namespace {
using nlohmann::json;

// A benchmark file of `answers` under `metric` (choices A-D for multiple choice).
BenchFile Bench(const std::vector<std::string>& answers, const std::string& metric) {
  json records = json::array();
  for (size_t i = 0; i < answers.size(); ++i) {
    json r = {{"id", "q" + std::to_string(i)}, {"question", "?"}, {"answer", answers[i]}, {"metric", metric}};
    if (metric == "multiple_choice") r["choices"] = {"cat", "dog", "cow", "pig"};
    records.push_back(r);
  }
  const std::string path = ::testing::TempDir() + "/xmas_majority_" + std::to_string(::getpid()) + ".json";
  EXPECT_TRUE(WriteFileAtomic(path, records.dump()).ok());
  auto file = LoadBenchFile(path);
  std::remove(path.c_str());
  EXPECT_TRUE(file.ok()) << file.status().message();
  return file.ok() ? *file : BenchFile{};
}

TEST(MajorityBaseline, YesNoAndExactMatch) {
  auto yes_no = MajorityAnswerBaseline(Bench({"Yes", "Yes", "No", "Yes", "No", "Yes", "Yes", "Yes", "No", "Yes"}, "yes_no"));
  ASSERT_TRUE(yes_no.ok());
  EXPECT_EQ(yes_no->answer, "Yes");
  EXPECT_DOUBLE_EQ(yes_no->score, 70);
  EXPECT_EQ(yes_no->count, 10u);
  // "Cat." normalises to "cat": 3 of 5.
  auto em = MajorityAnswerBaseline(Bench({"cat", "dog", "Cat.", "dog", "cat"}, "exact_match"));
  ASSERT_TRUE(em.ok());
  EXPECT_EQ(em->answer, "cat");
  EXPECT_DOUBLE_EQ(em->score, 60);
  auto tie = MajorityAnswerBaseline(Bench({"b", "a", "b", "a"}, "exact_match"));
  EXPECT_EQ(tie->answer, "a");  // ties: the smallest normalised answer
  EXPECT_DOUBLE_EQ(tie->score, 50);
}

TEST(MajorityBaseline, TokenF1AndMultipleChoice) {
  // "red circle" scores 1, 1 and 0 against "blue square" (articles dropped).
  auto f1 = MajorityAnswerBaseline(Bench({"a red circle", "a blue square", "A red circle."}, "token_f1"));
  ASSERT_TRUE(f1.ok());
  EXPECT_EQ(f1->answer, "a red circle");
  EXPECT_NEAR(f1->score, 200.0 / 3, 1e-9);
  auto mc = MajorityAnswerBaseline(Bench({"A", "C", "A", "A"}, "multiple_choice"));
  ASSERT_TRUE(mc.ok());
  EXPECT_EQ(mc->answer, "A");
  EXPECT_DOUBLE_EQ(mc->score, 75);
  EXPECT_FALSE(MajorityAnswerBaseline(BenchFile{}).ok());
}

}  // namespace
}  // namespace xmas::eval
