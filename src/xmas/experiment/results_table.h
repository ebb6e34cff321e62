// The experiment's results table (docs/method.md §6): one row per method × budget, the
// full-data target as the reference row. Per benchmark the score and the
// relative performance RP = 100·score/score_full; ARP = mean RP over the
// benchmarks (those where score_full > 0; the others have no RP); the cost as selection time and target-training time relative
// to training the target on the full data. Methods run with several seeds
// (random) are aggregated per seed first and shown as mean ± spread, the
// spread being the sample standard deviation over seeds.
//
// With TableOptions (issue 16) the table also says whether a subset is good
// or bad (comparison.cpp):
//   - gain: score − the benchmark's majority-answer baseline, in points;
//     benchmarks where the full-data target does not clear its baseline
//     (gain ≤ 0) are flagged and left out of the mean gain;
//   - beside each row random's mean gain (mean ± sd over its seeds) at the
//     same budget, and the paired per-question bootstrap 95% CI of the
//     difference to random (paired_bootstrap.h) over the averaged
//     benchmarks, against every random seed; "better"/"worse" only when every
//     interval excludes 0 on that side, otherwise "tie";
//   - the intrinsic metrics of the subset from the ground truth (select/truth.h);
//   - which compute mode ran (equal epochs or equal steps).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/eval/majority_baseline.h"
#include "xmas/eval/paired_bootstrap.h"
#include "xmas/select/truth.h"

namespace xmas::experiment {

// One target model's evaluation and what it cost.
struct RunResult {
  std::string method;       // "full" for the reference run
  double budget = 100;      // percent of the training set
  uint64_t seed = 0;
  size_t examples = 0;      // training examples the target saw
  std::map<std::string, double> scores;  // benchmark -> score (percent)
  double selection_seconds = 0;  // selection cost, proxy work included where the method needs it
  double train_seconds = 0;      // target training
  int64_t train_steps = 0;       // optimizer steps of the target (0 = unknown)
  // Per benchmark, every question's item score in [0, 1] in the benchmark's
  // order (eval/<tag>/<bench>.predictions.jsonl): the paired bootstrap's input.
  std::map<std::string, std::vector<double>> item_scores;
  // Intrinsic metrics of the subset against the ground truth (none without one).
  std::optional<select::TruthMetrics> truth;
};

// Mean and spread of one quantity over a row's seeds.
struct Cell {
  double mean = 0;
  double spread = 0;  // sample standard deviation (0 for one seed)
  int n = 0;          // seeds with a defined value (0: undefined, e.g. RP of a zero reference)
  bool defined() const { return n > 0; }
};

// A row against random at the same budget (TableOptions::reference_method).
struct Comparison {
  bool defined = false;
  std::string why_not;     // when undefined: "reference", "no random run at this budget", ...
  // Mean over (row seed, random seed) pairs of the mean per-question
  // difference (points) over the compared benchmarks.
  double delta = 0;
  // The envelope of the 95% intervals: the lowest low and the highest high,
  // so it excludes 0 exactly when every interval does on the same side.
  double low = 0, high = 0;
  std::vector<eval::PairedInterval> intervals;  // one per (row seed, random seed)
  eval::Verdict verdict = eval::Verdict::kTie;
};

// The intrinsic metrics (select::TruthMetrics) aggregated over a row's seeds.
struct TruthCells {
  Cell redundant, noisy, paraphrase, entropy, smallest, sources, words;
};

struct ResultsRow {
  std::string method;
  double budget = 100;
  int seeds = 1;
  std::vector<Cell> score;  // per benchmark, in ResultsTable::benchmarks order
  std::vector<Cell> rp;
  Cell arp;
  Cell selection_rel;       // selection time / full-data training time
  Cell train_rel;           // target training time / full-data training time
  Cell total_rel;           // (selection + training) / full-data training
  Cell steps;               // target optimizer steps
  // With baselines (TableOptions::baselines):
  std::vector<Cell> gain;   // per benchmark: score − majority baseline
  Cell mean_gain;           // over the benchmarks the full-data target learned
  Comparison vs_random;
  bool has_truth = false;
  TruthCells truth;
};

struct ResultsTable {
  std::vector<std::string> benchmarks;
  ResultsRow full;                 // the reference (RP 100 by definition)
  double full_train_seconds = 0;
  // Benchmarks whose full-data score is 0: their RP is undefined and ARP
  // averages the others (the table says so).
  std::vector<std::string> arp_excluded;
  std::vector<ResultsRow> rows;    // ascending budget; methods in first-seen order

  // Filled when TableOptions has baselines:
  bool has_baselines = false;
  std::vector<double> baseline;            // per benchmark, the majority-answer score
  std::vector<std::string> baseline_answer;
  std::vector<bool> learned;               // full-data gain > 0: counted in the mean gain
  std::vector<std::string> compared;       // benchmarks the CIs pool (learned ones; all if none is)
  std::string reference_method;            // "random"
  eval::BootstrapOptions bootstrap;
  std::string compute_note;                // which compute mode ran (DescribeCompute)
  bool has_truth = false;                  // some row has intrinsic metrics
};

struct TableOptions {
  std::map<std::string, eval::MajorityBaseline> baselines;  // per benchmark; empty: no gains, CIs or verdicts
  eval::BootstrapOptions bootstrap;
  std::string compute_note;
  std::string reference_method = "random";
};

// Groups runs by (method, budget) and aggregates seeds. Benchmarks are the
// reference run's, sorted by name.
ResultsTable BuildResultsTable(const std::vector<RunResult>& runs, const RunResult& full,
                               const TableOptions& options = {});

// comparison.cpp: fills the gain, truth and vs-random fields of `table`
// (BuildResultsTable calls it when options.baselines is not empty). `runs`
// are the same runs BuildResultsTable grouped.
void AddComparisons(const std::vector<RunResult>& runs, const RunResult& full, const TableOptions& options,
                    ResultsTable* table);

// The rules the table follows, as sentences (its caption).
std::string ComparisonCaption(const ResultsTable& table);
// "+12.3", "−4.0 ± 1.2" (signed, with the seeds' spread); "–" when undefined.
std::string FormatGain(const Cell& cell, int decimals = 1);
// "random (3 seeds)" or "xmas".
std::string RowLabel(const ResultsRow& row);
// The reference method's row at `budget` (random's), or null.
const ResultsRow* ReferenceRow(const ResultsTable& table, double budget);
// The intrinsic-metrics table: its column names after method and budget,
// its rows (label, budget, cells: the full data first, then every row with
// truth metrics), and one row's cell texts.
const std::vector<std::string>& TruthColumns();
struct TruthRowRef {
  std::string label;
  double budget;
  const TruthCells* cells;
};
std::vector<TruthRowRef> TruthRows(const ResultsTable& table);
std::vector<std::string> TruthCellTexts(const TruthCells& cells);
// Optimizer steps: "2000", "1800 ± 20" when seeds differ, "–" when unknown.
std::string FormatSteps(const Cell& steps);
// "+4.1 [+1.2, +7.0]" or "–".
std::string FormatComparison(const Comparison& c);

// Markdown of the gain table (per benchmark gain, mean gain, random beside,
// Δ with CI, verdict) and the intrinsic-metrics table, with the caption;
// "" without baselines.
std::string ComparisonToMarkdown(const ResultsTable& table);
// Everything in the table as JSON (results.json).
nlohmann::json ResultsToJson(const ResultsTable& table);

Cell Aggregate(const std::vector<double>& values);  // NaN values are left out

// "" or one sentence naming the benchmarks left out of ARP.
std::string ArpNote(const ResultsTable& table);

// "12.3" or "12.3 ± 0.4"; "–" when undefined.
std::string FormatCell(const Cell& cell, int decimals = 1);

// Markdown: with baselines, ComparisonToMarkdown first; then the relative
// performance table: method | budget | <bench> (score, RP) ... | ARP | sel×full | train×full.
std::string ResultsToMarkdown(const ResultsTable& table);
// CSV with a header row; one line per table row (the full run first); mean
// and spread in separate columns; undefined values empty.
std::string ResultsToCsv(const ResultsTable& table);

}  // namespace xmas::experiment
