// Ground truth about a training set and the intrinsic metrics of a subset
// against it: how many redundant copies, wrong answers and paraphrases the
// subset took, how evenly it covers tasks and sources, how long its records
// are. No model and no training: a selection can be judged the moment it is
// made. Torch-free.
//
// The truth file is `truth.json` from `xmas demo-data` (docs/formats.md):
//   {"generator": ..., "format_version": 1, "data": "train.json",
//    "records": [{"index": 0, "id": "fmnist-probe-000012", "source": "fmnist",
//                 "task": "fmnist-probe", "group": 0, "paraphrase_of": null,
//                 "noisy": false, "words_after_image": 14}, ...]}
// one entry per training record, in the data file's order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/data/dataset_index.h"
#include "xmas/util/status.h"

namespace xmas::select {

struct TruthRecord {
  std::string id;
  std::string source;
  std::string task;
  int64_t group = 0;          // exact copies share a group
  std::string paraphrase_of;  // id of the record it rewords; "" = none
  bool noisy = false;         // an answer is wrong
  double words_after_image = 0;
};

struct Truth {
  std::string path;
  std::vector<TruthRecord> records;  // in dataset order

  // Reads and checks `path`. Errors (InvalidInput, one line naming the file,
  // the record's index and id, and the field): not JSON, no "records" array,
  // an "index" that is not the entry's position, a missing or mistyped
  // field, a negative group or word count. NotFound if unreadable.
  static Result<Truth> Load(const std::string& path);

  // InvalidInput unless the truth describes `dataset`: as many records, and
  // record i's id equal to the dataset's record i's id.
  Status Matches(const data::DatasetIndex& dataset) const;
};

// Loads `path` and checks it against `dataset` (Load + Matches).
Result<Truth> LoadTruthFor(const std::string& path, const data::DatasetIndex& dataset);

struct TruthMetrics {
  size_t picks = 0;
  // Picks whose duplicate group already has an earlier pick (a group picked
  // c times counts c - 1), over picks.
  double redundant_copy_share = 0;
  double noisy_share = 0;       // picks with a wrong answer, over picks
  double paraphrase_share = 0;  // picks that reword another record, over picks
  // Shannon entropy (bits) of the picks' task distribution, and that over
  // log2(tasks in the data) (1 = every task equally often; 1 when the data
  // has a single task).
  double task_entropy_bits = 0;
  double task_entropy_normalized = 0;
  // The least picked task of the data (ties: first by name), and its share
  // of the picks over 1 / (tasks in the data): 1 = an even split, 0 = a
  // task left out.
  std::string smallest_task;
  double smallest_task_vs_even = 0;
  double source_coverage = 0;         // sources with a pick, over sources in the data
  double mean_words_after_image = 0;  // words, not tokens (see TruthRecord)
  std::map<std::string, size_t> picks_by_task;    // every task of the data, 0 included
  std::map<std::string, size_t> picks_by_source;  // every source of the data, 0 included
};

// Metrics of the subset `chosen` (record indices, each < truth.records.size();
// order does not matter). An empty subset gives zeros.
TruthMetrics ComputeTruthMetrics(const Truth& truth, const std::vector<size_t>& chosen);

// The metrics as the selection report's "truth_metrics" object.
nlohmann::json TruthMetricsJson(const TruthMetrics& metrics, const std::string& truth_path);

}  // namespace xmas::select
