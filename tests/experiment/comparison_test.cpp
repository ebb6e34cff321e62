// The issue-16 half of the results table on hand-made runs whose answers are
// known: gains over the majority baseline, the flag-and-exclude rule, random's
// mean ± sd beside each row, the paired bootstrap CI against every random
// seed with its verdict, and the intrinsic metrics.
#include <gtest/gtest.h>

#include "xmas/experiment/results_table.h"

namespace xmas::experiment {
namespace {

// `correct` of `n` questions right (the first ones), as item scores.
std::vector<double> Items(size_t n, size_t correct) {
  std::vector<double> v(n, 0.0);
  for (size_t i = 0; i < correct && i < n; ++i) v[i] = 1.0;
  return v;
}

RunResult MakeRun(const std::string& method, double budget, uint64_t seed, double a, double b) {
  RunResult r;
  r.method = method;
  r.budget = budget;
  r.seed = seed;
  r.scores = {{"a", a}, {"b", b}};
  r.train_seconds = 1;
  return r;
}

TableOptions Baselines(double a, double b) {
  TableOptions o;
  o.baselines["a"] = eval::MajorityBaseline{"yes", 40, a};
  o.baselines["b"] = eval::MajorityBaseline{"no", 40, b};
  o.bootstrap.resamples = 2000;
  o.compute_note = "Compute: equal steps.";
  return o;
}

const ResultsRow& Row(const ResultsTable& t, const std::string& method, double budget) {
  for (const auto& r : t.rows) {
    if (r.method == method && r.budget == budget) return r;
  }
  ADD_FAILURE() << "no row " << method << " " << budget;
  return t.full;
}

// Full data: a 70 (baseline 50: learned), b 40 (baseline 50: not learned).
struct Fixture {
  RunResult full = MakeRun("full", 100, 0, 70, 40);
  std::vector<RunResult> runs;
  Fixture() {
    full.item_scores = {{"a", Items(40, 28)}, {"b", Items(40, 16)}};
    for (uint64_t s = 0; s < 3; ++s) {  // random: a = 50, 52, 54 -> gains 0, 2, 4
      RunResult r = MakeRun("random", 10, s, 50 + 2.0 * s, 10);
      r.item_scores = {{"a", Items(40, 20)}, {"b", Items(40, 4)}};
      runs.push_back(r);
    }
    RunResult good = MakeRun("oracle", 10, 0, 60, 90);  // gains +10 (a), +40 (b, excluded)
    good.item_scores = {{"a", Items(40, 40)}, {"b", Items(40, 0)}};
    runs.push_back(good);
    RunResult bad = MakeRun("anti", 10, 0, 30, 10);
    bad.item_scores = {{"a", Items(40, 0)}, {"b", Items(40, 40)}};
    runs.push_back(bad);
    RunResult same = MakeRun("xmas", 10, 0, 50, 10);  // answers as random does
    same.item_scores = {{"a", Items(40, 20)}, {"b", Items(40, 4)}};
    runs.push_back(same);
  }
};

TEST(Comparison, GainsOverBaselineAndTheLearnedRule) {
  Fixture f;
  ResultsTable t = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  ASSERT_TRUE(t.has_baselines);
  EXPECT_EQ(t.learned, (std::vector<bool>{true, false}));
  EXPECT_EQ(t.compared, (std::vector<std::string>{"a"}));
  EXPECT_DOUBLE_EQ(t.full.gain[0].mean, 20.0);
  EXPECT_DOUBLE_EQ(t.full.gain[1].mean, -10.0);
  EXPECT_DOUBLE_EQ(t.full.mean_gain.mean, 20.0);  // b left out
  const ResultsRow& oracle = Row(t, "oracle", 10);
  EXPECT_DOUBLE_EQ(oracle.gain[1].mean, 40.0);
  EXPECT_DOUBLE_EQ(oracle.mean_gain.mean, 10.0);  // a only: b's +40 does not count
  const ResultsRow& random = Row(t, "random", 10);
  EXPECT_EQ(random.seeds, 3);
  EXPECT_DOUBLE_EQ(random.mean_gain.mean, 2.0);
  EXPECT_DOUBLE_EQ(random.mean_gain.spread, 2.0);  // sample sd of 0, 2, 4
  EXPECT_EQ(FormatGain(random.mean_gain), "+2.0 ± 2.0");
  EXPECT_EQ(FormatGain(Row(t, "anti", 10).mean_gain), "-20.0");
}

TEST(Comparison, VerdictNeedsTheIntervalToExcludeZeroAgainstEveryRandomSeed) {
  Fixture f;
  ResultsTable t = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  const Comparison& good = Row(t, "oracle", 10).vs_random;
  ASSERT_TRUE(good.defined) << good.why_not;
  EXPECT_EQ(good.intervals.size(), 3u);  // one per random seed
  // On a (the one learned benchmark) oracle answers all 40, random 20: +50 points.
  EXPECT_DOUBLE_EQ(good.delta, 50.0);
  EXPECT_GT(good.low, 0);
  EXPECT_EQ(good.verdict, eval::Verdict::kBetter);
  const Comparison& bad = Row(t, "anti", 10).vs_random;
  EXPECT_DOUBLE_EQ(bad.delta, -50.0);
  EXPECT_LT(bad.high, 0);
  EXPECT_EQ(bad.verdict, eval::Verdict::kWorse);
  const Comparison& same = Row(t, "xmas", 10).vs_random;
  EXPECT_DOUBLE_EQ(same.delta, 0.0);
  EXPECT_EQ(same.verdict, eval::Verdict::kTie);
  EXPECT_FALSE(Row(t, "random", 10).vs_random.defined);
  EXPECT_EQ(Row(t, "random", 10).vs_random.why_not, "reference");

  // Better than two random seeds, equal to the third: a tie.
  f.runs[0].item_scores["a"] = Items(40, 40);
  ResultsTable t2 = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  const Comparison& mixed = Row(t2, "oracle", 10).vs_random;
  EXPECT_GT(mixed.intervals[1].low, 0);
  EXPECT_GT(mixed.intervals[2].low, 0);
  EXPECT_DOUBLE_EQ(mixed.intervals[0].low, 0);
  EXPECT_DOUBLE_EQ(mixed.low, 0);  // the envelope holds the seed it ties with
  EXPECT_EQ(mixed.verdict, eval::Verdict::kTie);
}

TEST(Comparison, EveryCountedBenchmarkWeighsTheSame) {
  // Two learned benchmarks of 40 and 10 questions: oracle gains 50 points of
  // item score on a and 0 on b. Equal weights: +25, not 20/50 = +40 pooled.
  RunResult full = MakeRun("full", 100, 0, 90, 90);
  full.item_scores = {{"a", Items(40, 36)}, {"b", Items(10, 9)}};
  RunResult random = MakeRun("random", 20, 0, 50, 50);
  random.item_scores = {{"a", Items(40, 20)}, {"b", Items(10, 5)}};
  RunResult oracle = MakeRun("oracle", 20, 0, 100, 50);
  oracle.item_scores = {{"a", Items(40, 40)}, {"b", Items(10, 5)}};
  ResultsTable t = BuildResultsTable({random, oracle}, full, Baselines(50, 50));
  EXPECT_EQ(t.compared, (std::vector<std::string>{"a", "b"}));
  EXPECT_NEAR(Row(t, "oracle", 20).vs_random.delta, 25.0, 1e-9);
}

TEST(Comparison, MissingPieces) {
  Fixture f;
  f.runs.push_back(MakeRun("s2l", 30, 0, 50, 50));  // no random at 30%
  ResultsTable t = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  EXPECT_FALSE(Row(t, "s2l", 30).vs_random.defined);
  EXPECT_EQ(Row(t, "s2l", 30).vs_random.why_not, "no random run at this budget");
  f.runs[3].item_scores.erase("a");
  ResultsTable t2 = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  EXPECT_EQ(Row(t2, "oracle", 10).vs_random.why_not, "no per-question scores for a");
  // Nothing learned: no mean gain; the CIs pool every benchmark.
  ResultsTable t3 = BuildResultsTable(f.runs, f.full, Baselines(95, 95));
  EXPECT_FALSE(t3.full.mean_gain.defined());
  EXPECT_EQ(t3.compared, (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(ComparisonCaption(t3).find("clears no baseline"), std::string::npos);
  // No baselines: the table of before, nothing added.
  EXPECT_EQ(ComparisonToMarkdown(BuildResultsTable(f.runs, f.full)), "");
}

select::TruthMetrics Truth(double redundant, double noisy) {
  select::TruthMetrics m;
  m.picks = 10;
  m.redundant_copy_share = redundant;
  m.noisy_share = noisy;
  m.source_coverage = 1;
  m.mean_words_after_image = 12;
  return m;
}

TEST(Comparison, IntrinsicMetricsAggregateOverSeeds) {
  Fixture f;
  f.full.truth = Truth(0.3, 0.15);
  f.runs[0].truth = Truth(0.1, 0.1);
  f.runs[1].truth = Truth(0.2, 0.1);
  f.runs[2].truth = Truth(0.3, 0.1);
  f.runs[3].truth = Truth(0, 0);
  ResultsTable t = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  EXPECT_TRUE(t.has_truth);
  const ResultsRow& random = Row(t, "random", 10);
  ASSERT_TRUE(random.has_truth);
  EXPECT_NEAR(random.truth.redundant.mean, 0.2, 1e-12);
  EXPECT_NEAR(random.truth.redundant.spread, 0.1, 1e-12);
  EXPECT_FALSE(Row(t, "anti", 10).has_truth);  // none given
  std::string md = ComparisonToMarkdown(t);
  EXPECT_NE(md.find("| full data | 100% | 0.300 | 0.150 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| random (3 seeds) | 10% | 0.200 ± 0.100 | 0.100 ± 0.000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| oracle | 10% | 0.000 | 0.000 |"), std::string::npos) << md;
}

TEST(Comparison, MarkdownAndJsonSayTheRules) {
  Fixture f;
  ResultsTable t = BuildResultsTable(f.runs, f.full, Baselines(50, 50));
  std::string md = ResultsToMarkdown(t);
  EXPECT_NE(md.find("Compute: equal steps."), std::string::npos) << md;
  EXPECT_NE(md.find("flagged † and left out of the mean gain and of Δ: b."), std::string::npos) << md;
  EXPECT_NE(md.find("mean ± sample sd over its 3 selection seed(s)"), std::string::npos) << md;
  EXPECT_NE(md.find("| method | budget | steps | a | b † | mean gain | random | Δ vs random [95% CI] | verdict |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("| majority baseline | | | 50.0 | 50.0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| full | 100% | – | +20.0 | -10.0 | **+20.0** |"), std::string::npos) << md;
  EXPECT_NE(md.find("| oracle | 10% | – | +10.0 | +40.0 | **+10.0** | +2.0 ± 2.0 | +50.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("| better |"), std::string::npos);
  EXPECT_NE(md.find("| worse |"), std::string::npos);
  EXPECT_NE(md.find("| random (3 seeds) | 10% | – | +2.0 ± 2.0 | -40.0 ± 0.0 | **+2.0 ± 2.0** | | (reference) |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("| a (RP) | b (RP) | ARP |"), std::string::npos);  // the paper's table follows
  nlohmann::json j = ResultsToJson(t);
  EXPECT_EQ(j["majority_baseline"]["b"]["learned"], false);
  EXPECT_EQ(j["compared_benchmarks"], nlohmann::json::array({"a"}));
  bool seen = false;
  for (const auto& row : j["rows"]) {
    if (row["method"] != "oracle") continue;
    seen = true;
    EXPECT_EQ(row["vs_random"]["verdict"], "better");
    EXPECT_EQ(row["vs_random"]["intervals"].size(), 3u);
    EXPECT_DOUBLE_EQ(row["mean_gain"]["mean"].get<double>(), 10.0);
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace xmas::experiment
