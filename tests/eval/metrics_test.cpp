#include "xmas/eval/metrics.h"

#include <gtest/gtest.h>

namespace xmas::eval {
namespace {

TEST(Normalize, LowercasesDropsPunctuationArticlesAndSpellsNumbers) {
  EXPECT_EQ(NormalizeAnswer("  The Cat, sat!  "), "cat sat");
  EXPECT_EQ(NormalizeAnswer("Two dogs."), "2 dogs");
  EXPECT_EQ(NormalizeAnswer("3.5 kg"), "3.5 kg");
  EXPECT_EQ(NormalizeAnswer("1,000"), "1000");
  EXPECT_EQ(NormalizeAnswer("an apple"), "apple");
  EXPECT_EQ(NormalizeAnswer("end."), "end");
}

TEST(ExactMatch, MatchesAnyGoldAfterNormalisation) {
  EXPECT_EQ(ExactMatch("The cat.", {"cat"}), 1.0);
  EXPECT_EQ(ExactMatch("two", {"dog", "2"}), 1.0);
  EXPECT_EQ(ExactMatch("a cat", {"cats"}), 0.0);
  EXPECT_EQ(ExactMatch("", {"cat"}), 0.0);
}

TEST(TokenF1, IsSquadStyleWordOverlap) {
  EXPECT_DOUBLE_EQ(TokenF1("red car", {"red car"}), 1.0);
  // pred {red, big, car} vs gold {red, car}: p = 2/3, r = 1 -> 0.8
  EXPECT_NEAR(TokenF1("a red big car", {"the red car"}), 0.8, 1e-12);
  EXPECT_DOUBLE_EQ(TokenF1("blue", {"red car"}), 0.0);
  // Repeated words count once per occurrence in the gold.
  EXPECT_NEAR(TokenF1("red red", {"red"}), 2 * 0.5 * 1 / 1.5, 1e-12);
  EXPECT_DOUBLE_EQ(TokenF1("red car", {"blue", "red car"}), 1.0);  // best gold
}

TEST(YesNo, ParsesFirstYesOrNo) {
  EXPECT_EQ(ParseYesNo("Yes."), YesNo::kYes);
  EXPECT_EQ(ParseYesNo("no, there is not"), YesNo::kNo);
  EXPECT_EQ(ParseYesNo("There is not a dog"), YesNo::kNo);
  EXPECT_EQ(ParseYesNo("yesterday"), YesNo::kUnknown);
  EXPECT_EQ(ParseYesNo("a dog"), YesNo::kUnknown);
}

TEST(YesNo, AccuracyPrecisionRecallF1) {
  MetricAccumulator acc(Metric::kYesNo);
  // gold yes yes no no; said yes no yes "?" -> TP 1, FN 1, FP 1, unparsed 1
  EXPECT_EQ(*acc.Add("Yes", {{"yes"}, {}}), 1.0);
  EXPECT_EQ(*acc.Add("No", {{"yes"}, {}}), 0.0);
  EXPECT_EQ(*acc.Add("yes it is", {{"no"}, {}}), 0.0);
  EXPECT_EQ(*acc.Add("maybe", {{"No"}, {}}), 0.0);
  EXPECT_DOUBLE_EQ(acc.Score(), 25.0);
  auto ex = acc.Extras();
  EXPECT_DOUBLE_EQ(ex["precision"], 50.0);
  EXPECT_DOUBLE_EQ(ex["recall"], 50.0);
  EXPECT_DOUBLE_EQ(ex["f1"], 50.0);
  EXPECT_DOUBLE_EQ(ex["yes_ratio"], 50.0);
  EXPECT_DOUBLE_EQ(ex["unparsed"], 25.0);
  EXPECT_FALSE(acc.Add("yes", {{"perhaps"}, {}}).ok());  // gold must be yes or no
}

TEST(YesNo, F1MetricUsesF1AsScore) {
  MetricAccumulator acc(Metric::kYesNoF1);
  ASSERT_TRUE(acc.Add("yes", {{"yes"}, {}}).ok());
  ASSERT_TRUE(acc.Add("yes", {{"no"}, {}}).ok());
  // precision 50, recall 100 -> F1 66.67 while accuracy is 50
  EXPECT_NEAR(acc.Score(), 200.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(acc.Extras()["accuracy"], 50.0);
}

TEST(MultipleChoice, ParsesLettersAndOptionText) {
  std::vector<std::string> opts = {"cat", "dog", "bird"};
  EXPECT_EQ(ParseChoice("B", opts), 1);
  EXPECT_EQ(ParseChoice("(C) bird", opts), 2);
  EXPECT_EQ(ParseChoice("A.", opts), 0);
  EXPECT_EQ(ParseChoice("Answer: B", opts), 1);
  EXPECT_EQ(ParseChoice("Dog", opts), 1);
  EXPECT_EQ(ParseChoice("it is a bird", opts), 2);
  EXPECT_EQ(ParseChoice("D", opts), -1);          // out of range
  EXPECT_EQ(ParseChoice("Apple", opts), -1);      // a word, not a letter
  EXPECT_EQ(ParseChoice("cat or dog", opts), -1); // ambiguous
}

TEST(MultipleChoice, ScoresAgainstLetterOrTextGold) {
  MetricAccumulator acc(Metric::kMultipleChoice);
  ItemGold gold{{"B"}, {"cat", "dog"}};
  EXPECT_EQ(*acc.Add("dog", gold), 1.0);
  EXPECT_EQ(*acc.Add("A", gold), 0.0);
  EXPECT_EQ(*acc.Add("", ItemGold{{"cat"}, {"cat", "dog"}}), 0.0);
  EXPECT_NEAR(acc.Score(), 100.0 / 3, 1e-9);
  EXPECT_NEAR(acc.Extras()["unparsed"], 100.0 / 3, 1e-9);
  EXPECT_FALSE(acc.Add("A", ItemGold{{"Z"}, {"cat", "dog"}}).ok());
}

TEST(Accumulator, ExactMatchAndTokenF1Averages) {
  MetricAccumulator em(Metric::kExactMatch);
  ASSERT_TRUE(em.Add("cat", {{"cat"}, {}}).ok());
  ASSERT_TRUE(em.Add("dog", {{"cat"}, {}}).ok());
  EXPECT_DOUBLE_EQ(em.Score(), 50.0);
  MetricAccumulator f1(Metric::kTokenF1);
  ASSERT_TRUE(f1.Add("red big car", {{"red car"}, {}}).ok());
  EXPECT_NEAR(f1.Score(), 80.0, 1e-9);
  EXPECT_EQ(f1.count(), 1u);
  EXPECT_FALSE(f1.Add("x", ItemGold{}).ok());
}

TEST(Metric, NamesRoundTrip) {
  for (Metric m : {Metric::kExactMatch, Metric::kYesNo, Metric::kYesNoF1, Metric::kMultipleChoice,
                   Metric::kTokenF1}) {
    auto parsed = ParseMetric(MetricName(m));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_EQ(*ParseMetric("pope"), Metric::kYesNoF1);
  EXPECT_FALSE(ParseMetric("bleu").ok());
}

}  // namespace
}  // namespace xmas::eval
