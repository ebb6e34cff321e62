// Dataset statistics for `xmas data stats`: records per source, text-only
// count, and the distributions of turns and lengths per record.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "xmas/data/dataset.h"

namespace xmas::data {

// Nearest-rank summary of a distribution: the q-quantile is the value at
// rank ceil(q * n) in ascending order (so the median of an even count is the
// lower middle value). All zero for an empty distribution.
struct Distribution {
  size_t count = 0;
  double mean = 0;
  size_t min = 0, median = 0, p90 = 0, max = 0;
};
Distribution Summarize(std::vector<size_t> values);

struct DatasetStats {
  std::string path;
  DatasetFormat format;    // as detected
  size_t records = 0;      // records counted (after --on-error skip)
  size_t skipped = 0;      // records left out by --on-error skip
  size_t with_image = 0;
  size_t text_only = 0;
  size_t several_images = 0;  // records with more than one image
  size_t images = 0;          // image paths over all records
  std::map<std::string, size_t> by_source;
  Distribution turns;   // entries of "conversations"
  Distribution chars;   // Unicode characters of all turn values
  Distribution words;   // whitespace-separated words (Python's str.split())
};

// Computes the statistics over `indices` (records of `dataset`) on
// `threads` threads (0: one per core). Errors if a record's conversations
// cannot be parsed (the first such record in `indices` order).
Result<DatasetStats> ComputeStats(const Dataset& dataset, const std::vector<size_t>& indices,
                                  bool show_progress = true, int threads = 0);

// A human-readable table, and the same as a JSON object (one line).
std::string FormatStatsTable(const DatasetStats& stats);
std::string StatsToJson(const DatasetStats& stats);

}  // namespace xmas::data
