// Where trajectories come from: our feature store or the authors' JSON
// files (detected from the folder's contents), and how their rows map to
// dataset records.
#pragma once

#include <string>
#include <vector>

#include "xmas/data/dataset_index.h"
#include "xmas/select/trajectories.h"
#include "xmas/util/status.h"

namespace xmas::select {

enum class TrajectoryMetric { kSvd, kLoss };

struct TrajectorySourceOptions {
  TrajectoryMetric metric = TrajectoryMetric::kSvd;
  int top_k = 0;           // 0: from the files / store
  bool keep_all = false;   // all k values instead of their Σ
  bool allow_nan = false;  // official mode accepts the authors' NaN values
  size_t expected_rows = 0;       // sizing hints (the dataset's records and
  size_t expected_key_bytes = 0;  // unique_idx bytes); 0 = unknown
};

// Reads `dir` (a store if it has manifest.json, else the authors' files).
// Store rows marked invalid (text-only) get valid = 0.
Result<Trajectories> LoadTrajectories(const std::string& dir, const TrajectorySourceOptions& options);

// record_of_row[r]: the dataset record whose unique_idx is row r's key.
// Every key must name a record (else "extra key") and every record with an
// image must have a row (else "missing"); text-only records may lack one.
// A row the source marks invalid must belong to a text-only record.
Result<std::vector<size_t>> MatchRows(const Trajectories& t, const data::DatasetIndex& dataset,
                                      const std::string& dir);

}  // namespace xmas::select
