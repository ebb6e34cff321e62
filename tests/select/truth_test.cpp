// Ground truth (truth.h): intrinsic metrics on hand-made truth files with
// known shares, the file's checks, and the oracle / anti controls.
#include "xmas/select/truth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "test_util.h"
#include "xmas/select/controls.h"
#include "xmas/select/select.h"
#include "xmas/util/atomic_file.h"

namespace xmas::select {
namespace {
using nlohmann::json;
using testing::TempDir;

struct Row {
  const char* task;
  int group;
  const char* paraphrase_of;  // nullptr = none
  bool noisy;
  int words;
};

// Ten records r0..r9: group 0 is r0 with two copies, group 4 is r6 and a
// copy; r3 and r9 are noisy; r4 rewords r0. Tasks A, B (source fmnist), C (text).
const std::vector<Row> kRows = {
    {"A", 0, nullptr, false, 10}, {"A", 0, nullptr, false, 10}, {"A", 0, nullptr, false, 10},
    {"A", 1, nullptr, true, 4},   {"B", 2, "r0", false, 6},     {"B", 3, nullptr, false, 8},
    {"C", 4, nullptr, false, 2},  {"C", 4, nullptr, false, 2},  {"A", 5, nullptr, false, 10},
    {"A", 6, nullptr, true, 10}};

json TruthJson(const std::vector<Row>& rows) {
  json records = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    records.push_back({{"index", i}, {"id", "r" + std::to_string(i)},
                       {"source", std::string(r.task) == "C" ? "text" : "fmnist"}, {"task", r.task},
                       {"group", r.group}, {"paraphrase_of", r.paraphrase_of ? json(r.paraphrase_of) : json(nullptr)},
                       {"noisy", r.noisy}, {"words_after_image", r.words}});
  }
  return {{"generator", "test"}, {"format_version", 1}, {"records", records}};
}

Truth HandTruth() {
  TempDir d;
  EXPECT_TRUE(WriteFileAtomic(d / "truth.json", TruthJson(kRows).dump()).ok());
  auto t = Truth::Load(d / "truth.json");
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : Truth{};
}

TEST(TruthMetrics, KnownSharesOfAHandMadeSubset) {
  const Truth t = HandTruth();
  ASSERT_EQ(t.records.size(), 10u);
  // r0 r1 r2 (one group, so two redundant), r4 (a paraphrase), r6.
  TruthMetrics m = ComputeTruthMetrics(t, {0, 1, 2, 4, 6});
  EXPECT_EQ(m.picks, 5u);
  EXPECT_DOUBLE_EQ(m.redundant_copy_share, 0.4);
  EXPECT_DOUBLE_EQ(m.noisy_share, 0.0);
  EXPECT_DOUBLE_EQ(m.paraphrase_share, 0.2);
  const double h = -(0.6 * std::log2(0.6) + 2 * 0.2 * std::log2(0.2));  // tasks A 3, B 1, C 1
  EXPECT_NEAR(m.task_entropy_bits, h, 1e-12);
  EXPECT_NEAR(m.task_entropy_normalized, h / std::log2(3.0), 1e-12);
  EXPECT_EQ(m.smallest_task, "B");  // B and C tie; first by name
  EXPECT_DOUBLE_EQ(m.smallest_task_vs_even, 0.2 * 3);
  EXPECT_DOUBLE_EQ(m.source_coverage, 1.0);
  EXPECT_DOUBLE_EQ(m.mean_words_after_image, 38.0 / 5);
  EXPECT_EQ(m.picks_by_task.at("A"), 3u);
  EXPECT_EQ(m.picks_by_source.at("text"), 1u);
  // Order does not matter.
  EXPECT_DOUBLE_EQ(ComputeTruthMetrics(t, {6, 2, 4, 1, 0}).redundant_copy_share, 0.4);
}

TEST(TruthMetrics, MissingTaskAndSourceAndNoise) {
  const Truth t = HandTruth();
  TruthMetrics m = ComputeTruthMetrics(t, {3, 9, 5});  // A, A, B: both noisy A
  EXPECT_DOUBLE_EQ(m.redundant_copy_share, 0.0);
  EXPECT_DOUBLE_EQ(m.noisy_share, 2.0 / 3);
  EXPECT_EQ(m.smallest_task, "C");
  EXPECT_DOUBLE_EQ(m.smallest_task_vs_even, 0.0);
  EXPECT_EQ(m.picks_by_task.at("C"), 0u);
  EXPECT_DOUBLE_EQ(m.source_coverage, 0.5);
  EXPECT_NEAR(m.task_entropy_bits, -(2.0 / 3 * std::log2(2.0 / 3) + 1.0 / 3 * std::log2(1.0 / 3)), 1e-12);
  EXPECT_DOUBLE_EQ(m.mean_words_after_image, 22.0 / 3);
  TruthMetrics none = ComputeTruthMetrics(t, {});
  EXPECT_EQ(none.picks, 0u);
  EXPECT_EQ(none.redundant_copy_share, 0.0);
  EXPECT_EQ(none.smallest_task_vs_even, 0.0);
  EXPECT_EQ(none.source_coverage, 0.0);
  // The whole set: groups 0 (3) and 4 (2) give 3 redundant picks of 10.
  std::vector<size_t> all(10);
  for (size_t i = 0; i < 10; ++i) all[i] = i;
  TruthMetrics full = ComputeTruthMetrics(t, all);
  EXPECT_DOUBLE_EQ(full.redundant_copy_share, 0.3);
  EXPECT_DOUBLE_EQ(full.noisy_share, 0.2);
  EXPECT_DOUBLE_EQ(full.smallest_task_vs_even, 0.2 * 3);  // B and C have 2 each
}

TEST(TruthFile, ErrorsNameFileRecordAndField) {
  TempDir d;
  auto error_of = [&](json truth) {
    EXPECT_TRUE(WriteFileAtomic(d / "t.json", truth.dump()).ok());
    auto t = Truth::Load(d / "t.json");
    EXPECT_FALSE(t.ok());
    return t.ok() ? std::string() : t.status().message();
  };
  json bad = TruthJson(kRows);
  bad["records"][2].erase("noisy");
  std::string msg = error_of(bad);
  EXPECT_NE(msg.find(d / "t.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("record 2 (id 'r2')"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field 'noisy'"), std::string::npos) << msg;
  bad = TruthJson(kRows);
  bad["records"][5]["index"] = 4;
  EXPECT_NE(error_of(bad).find("record 5 (id 'r5'): field 'index'"), std::string::npos);
  bad = TruthJson(kRows);
  bad["records"][7]["group"] = -1;
  EXPECT_NE(error_of(bad).find("field 'group'"), std::string::npos);
  bad = TruthJson(kRows);
  bad["records"][1]["paraphrase_of"] = 3;
  EXPECT_NE(error_of(bad).find("field 'paraphrase_of'"), std::string::npos);
  bad = TruthJson(kRows);
  bad["records"][0]["task"] = "";
  EXPECT_NE(error_of(bad).find("record 0 (id 'r0'): field 'task'"), std::string::npos);
  EXPECT_NE(error_of(json::array()).find("field 'records'"), std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(d / "t.json", "{\"records\": [").ok());
  EXPECT_EQ(Truth::Load(d / "t.json").status().code(), Status::Code::kInvalidInput);
}

TEST(TruthFile, MustDescribeTheDataset) {
  TempDir d;
  testing::WriteDataset(d / "data.json", 8, 2);  // ids r0..r9
  auto ds = data::DatasetIndex::Load(d / "data.json");
  ASSERT_TRUE(ds.ok());
  const Truth t = HandTruth();
  EXPECT_TRUE(t.Matches(*ds).ok());
  Truth shorter = t;
  shorter.records.pop_back();
  EXPECT_NE(shorter.Matches(*ds).message().find("9 truth records for the 10 records"), std::string::npos);
  Truth renamed = t;
  renamed.records[3].id = "x";
  const std::string msg = renamed.Matches(*ds).message();
  EXPECT_NE(msg.find("record 3 (id 'x'): field 'id'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'r3'"), std::string::npos) << msg;
}

TEST(Controls, OracleTakesCleanOriginalsTaskBalancedThenParaphrasesThenNoise) {
  const Truth t = HandTruth();
  std::vector<size_t> four = OracleOrder(t, 4, 1);
  std::sort(four.begin(), four.end());
  EXPECT_EQ(four, (std::vector<size_t>{0, 5, 6, 8}));  // one per group, no noise, every task
  for (uint64_t seed : {1, 2, 3}) {
    std::vector<size_t> six = OracleOrder(t, 6, seed);
    std::set<size_t> picked(six.begin(), six.end());
    ASSERT_EQ(picked.size(), 6u);
    for (size_t i : {0, 4, 5, 6, 8}) EXPECT_TRUE(picked.count(i)) << i;
    EXPECT_TRUE(picked.count(3) + picked.count(9) == 1);  // one noisy original
    for (size_t i : {1, 2, 7}) EXPECT_FALSE(picked.count(i)) << "a later copy " << i;
    EXPECT_EQ(OracleOrder(t, 6, seed), six);  // deterministic
  }
  EXPECT_EQ(OracleOrder(t, 10, 1).size(), 10u);
}

TEST(Controls, OracleSplitsTheBudgetEvenlyOverTasks) {
  // 60 clean singletons of task "big", 6 of "small": a budget of 10 gives 5 and 5.
  std::vector<Row> rows;
  for (int i = 0; i < 66; ++i) rows.push_back({i < 60 ? "big" : "small", i, nullptr, false, 1});
  TempDir d;
  ASSERT_TRUE(WriteFileAtomic(d / "t.json", TruthJson(rows).dump()).ok());
  auto t = Truth::Load(d / "t.json");
  ASSERT_TRUE(t.ok());
  TruthMetrics m = ComputeTruthMetrics(*t, OracleOrder(*t, 10, 7));
  EXPECT_EQ(m.picks_by_task.at("big"), 5u);
  EXPECT_EQ(m.picks_by_task.at("small"), 5u);
  m = ComputeTruthMetrics(*t, OracleOrder(*t, 20, 7));  // small has only 6: the rest rolls over
  EXPECT_EQ(m.picks_by_task.at("small"), 6u);
  EXPECT_EQ(m.picks_by_task.at("big"), 14u);
}

TEST(Controls, AntiTakesCopiesAndNoiseFirst) {
  const Truth t = HandTruth();
  std::vector<size_t> three = AntiOrder(t, 3, 1);
  EXPECT_EQ(three, (std::vector<size_t>{0, 1, 2}));  // the largest group, whole
  std::vector<size_t> five = AntiOrder(t, 5, 1);
  EXPECT_EQ(std::vector<size_t>(five.begin() + 3, five.end()), (std::vector<size_t>{6, 7}));
  std::vector<size_t> seven = AntiOrder(t, 7, 9);
  std::set<size_t> last_two(seven.begin() + 5, seven.end());
  EXPECT_EQ(last_two, (std::set<size_t>{3, 9}));  // then the noisy singletons
  std::vector<size_t> all = AntiOrder(t, 10, 9);
  EXPECT_EQ(all[7], 4u);  // then the paraphrase
  const TruthMetrics anti = ComputeTruthMetrics(t, AntiOrder(t, 5, 1));
  const TruthMetrics oracle = ComputeTruthMetrics(t, OracleOrder(t, 5, 1));
  EXPECT_DOUBLE_EQ(anti.redundant_copy_share, 0.6);
  EXPECT_DOUBLE_EQ(oracle.redundant_copy_share, 0.0);
}

TEST(Controls, SelectAndReportThroughTheCommand) {
  TempDir d;
  testing::WriteDataset(d / "data.json", 8, 2);
  ASSERT_TRUE(WriteFileAtomic(d / "truth.json", TruthJson(kRows).dump()).ok());
  SelectOptions o;
  o.data = d / "data.json";
  o.output = d / "subset.json";
  o.budget = *Budget::Parse("40%");
  o.method = "oracle";
  EXPECT_EQ(RunSelect(o).code(), Status::Code::kUsage);  // needs --truth
  EXPECT_FALSE(std::filesystem::exists(o.output));
  o.truth = d / "truth.json";
  ASSERT_TRUE(RunSelect(o).ok());
  json report = json::parse(*ReadFile(d / "subset.report.json"));
  EXPECT_EQ(report["method"], "oracle");
  EXPECT_EQ(report["truth_metrics"]["picks"], 4);
  EXPECT_EQ(report["truth_metrics"]["redundant_copy_share"], 0.0);
  EXPECT_EQ(report["truth_metrics"]["noisy_share"], 0.0);
  o.method = "random";  // any method's report gets the metrics
  o.output = d / "random.json";
  ASSERT_TRUE(RunSelect(o).ok());
  report = json::parse(*ReadFile(d / "random.report.json"));
  EXPECT_EQ(report["truth_metrics"]["picks"], 4);
  EXPECT_EQ(report["truth_metrics"]["truth"], o.truth);
  o.method = "anti";
  o.output = d / "anti.json";
  o.truth = d / "data.json";  // not a truth file: nothing written
  EXPECT_EQ(RunSelect(o).code(), Status::Code::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(o.output));
}

}  // namespace
}  // namespace xmas::select
