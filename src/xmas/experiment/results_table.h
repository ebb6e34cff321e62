// The experiment's results table (docs/method.md §6): one row per method × budget, the
// full-data target as the reference row. Per benchmark the score and the
// relative performance RP = 100·score/score_full; ARP = mean RP over the
// benchmarks (those where score_full > 0; the others have no RP); the cost as selection time and target-training time relative
// to training the target on the full data. Methods run with several seeds
// (random) are aggregated per seed first and shown as mean ± spread, the
// spread being the sample standard deviation over seeds.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xmas::eval {

// One target model's evaluation and what it cost.
struct RunResult {
  std::string method;       // "full" for the reference run
  double budget = 100;      // percent of the training set
  uint64_t seed = 0;
  size_t examples = 0;      // training examples the target saw
  std::map<std::string, double> scores;  // benchmark -> score (percent)
  double selection_seconds = 0;  // selection cost, proxy work included where the method needs it
  double train_seconds = 0;      // target training
};

// Mean and spread of one quantity over a row's seeds.
struct Cell {
  double mean = 0;
  double spread = 0;  // sample standard deviation (0 for one seed)
  int n = 0;          // seeds with a defined value (0: undefined, e.g. RP of a zero reference)
  bool defined() const { return n > 0; }
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
};

struct ResultsTable {
  std::vector<std::string> benchmarks;
  ResultsRow full;                 // the reference (RP 100 by definition)
  double full_train_seconds = 0;
  // Benchmarks whose full-data score is 0: their RP is undefined and ARP
  // averages the others (the table says so).
  std::vector<std::string> arp_excluded;
  std::vector<ResultsRow> rows;    // ascending budget; methods in first-seen order
};

// Groups runs by (method, budget) and aggregates seeds. Benchmarks are the
// reference run's, sorted by name.
ResultsTable BuildResultsTable(const std::vector<RunResult>& runs, const RunResult& full);

Cell Aggregate(const std::vector<double>& values);  // NaN values are left out

// "" or one sentence naming the benchmarks left out of ARP.
std::string ArpNote(const ResultsTable& table);

// "12.3" or "12.3 ± 0.4"; "–" when undefined.
std::string FormatCell(const Cell& cell, int decimals = 1);

// Markdown: method | budget | <bench> (score, RP) ... | ARP | sel×full | train×full.
std::string ResultsToMarkdown(const ResultsTable& table);
// CSV with a header row; one line per table row (the full run first); mean
// and spread in separate columns; undefined values empty.
std::string ResultsToCsv(const ResultsTable& table);

}  // namespace xmas::eval
