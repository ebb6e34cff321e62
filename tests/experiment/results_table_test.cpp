#include "xmas/experiment/results_table.h"

#include <gtest/gtest.h>

namespace xmas::experiment {
namespace {

RunResult MakeRun(std::string method, double budget, uint64_t seed, double a, double b, double sel,
              double train) {
  RunResult r;
  r.method = std::move(method);
  r.budget = budget;
  r.seed = seed;
  r.scores = {{"vqa", a}, {"pope", b}};
  r.selection_seconds = sel;
  r.train_seconds = train;
  return r;
}

TEST(ResultsTable, RelativePerformanceArpAndCost) {
  RunResult full = MakeRun("full", 100, 0, 50, 80, 0, 100);
  std::vector<RunResult> runs = {MakeRun("xmas", 20, 0, 50, 40, 30, 20)};
  ResultsTable t = BuildResultsTable(runs, full);
  ASSERT_EQ(t.benchmarks, (std::vector<std::string>{"pope", "vqa"}));  // sorted
  ASSERT_EQ(t.rows.size(), 1u);
  const ResultsRow& r = t.rows[0];
  EXPECT_DOUBLE_EQ(r.rp[0].mean, 50.0);   // pope 40/80
  EXPECT_DOUBLE_EQ(r.rp[1].mean, 100.0);  // vqa 50/50
  EXPECT_DOUBLE_EQ(r.arp.mean, 75.0);
  EXPECT_DOUBLE_EQ(r.selection_rel.mean, 0.3);
  EXPECT_DOUBLE_EQ(r.train_rel.mean, 0.2);
  EXPECT_DOUBLE_EQ(r.total_rel.mean, 0.5);
  EXPECT_DOUBLE_EQ(t.full.arp.mean, 100.0);
}

TEST(ResultsTable, SeedsAggregateToMeanAndSampleStd) {
  RunResult full = MakeRun("full", 100, 0, 50, 50, 0, 10);
  std::vector<RunResult> runs = {MakeRun("random", 10, 0, 40, 50, 0, 1), MakeRun("random", 10, 1, 60, 50, 0, 1),
                                 MakeRun("xmas", 10, 0, 45, 45, 2, 1), MakeRun("random", 5, 0, 10, 10, 0, 1)};
  ResultsTable t = BuildResultsTable(runs, full);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].budget, 5);  // ascending budget, methods in first-seen order
  EXPECT_EQ(t.rows[1].method, "random");
  EXPECT_EQ(t.rows[2].method, "xmas");
  const ResultsRow& r = t.rows[1];
  EXPECT_EQ(r.seeds, 2);
  // vqa RP per seed: 80, 120 -> mean 100, sample std sqrt(800) = 28.28
  EXPECT_DOUBLE_EQ(r.rp[1].mean, 100.0);
  EXPECT_NEAR(r.rp[1].spread, 28.2842712, 1e-6);
  // ARP per seed: (100+80)/2 = 90 and (100+120)/2 = 110
  EXPECT_DOUBLE_EQ(r.arp.mean, 100.0);
  EXPECT_NEAR(r.arp.spread, 14.1421356, 1e-6);
  EXPECT_EQ(FormatCell(r.arp), "100.0 ± 14.1");
  EXPECT_EQ(FormatCell(t.rows[2].arp), "90.0");
}

TEST(ResultsTable, ZeroReferenceLeavesRpUndefinedAndOutOfArp) {
  RunResult full = MakeRun("full", 100, 0, 0, 50, 0, 10);
  ResultsTable t = BuildResultsTable({MakeRun("xmas", 50, 0, 10, 25, 1, 5)}, full);
  EXPECT_FALSE(t.rows[0].rp[1].defined());  // vqa reference is 0
  EXPECT_EQ(FormatCell(t.rows[0].rp[1]), "–");
  EXPECT_DOUBLE_EQ(t.rows[0].arp.mean, 50.0);  // pope only: 25/50
  EXPECT_EQ(t.arp_excluded, (std::vector<std::string>{"vqa"}));
  EXPECT_NE(ResultsToMarkdown(t).find("ARP averages 1 of 2 benchmarks: the full-data target scores 0 on vqa"),
            std::string::npos);
  RunResult zero = MakeRun("full", 100, 0, 0, 0, 0, 10);
  EXPECT_FALSE(BuildResultsTable({MakeRun("xmas", 50, 0, 1, 1, 1, 5)}, zero).rows[0].arp.defined());
}

TEST(ResultsTable, MarkdownAndCsv) {
  RunResult full = MakeRun("full", 100, 0, 50, 80, 0, 100);
  ResultsTable t = BuildResultsTable({MakeRun("xmas", 20, 0, 50, 40, 30, 20)}, full);
  std::string md = ResultsToMarkdown(t);
  EXPECT_NE(md.find("| method | budget | pope (RP) | vqa (RP) | ARP |"), std::string::npos) << md;
  EXPECT_NE(md.find("| xmas | 20% | 40.0 (50) | 50.0 (100) | 75.0 | 0.30 | 0.20 | 0.50 |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("| full | 100% |"), std::string::npos);
  std::string csv = ResultsToCsv(t);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "method,budget,seeds,pope,pope_spread,pope_rp,pope_rp_spread,vqa,vqa_spread,vqa_rp,"
            "vqa_rp_spread,arp,arp_spread,selection_rel,selection_rel_spread,train_rel,"
            "train_rel_spread,total_rel,total_rel_spread");
  EXPECT_NE(csv.find("\nxmas,20.00,1,40.0000,0.0000,50.0000,0.0000,50.0000,0.0000,100.0000,0.0000,"
                     "75.0000,0.0000,0.3000,0.0000,0.2000,0.0000,0.5000,0.0000\n"),
            std::string::npos) << csv;
}

}  // namespace
}  // namespace xmas::experiment
