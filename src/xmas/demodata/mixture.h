// The mixture's recipe: how the training records split over sources, the
// redundancy and noise of each, and the list of benchmarks. One place, so
// docs/demo-data.md, the generator and the tests agree.
#pragma once

#include <string>
#include <vector>

#include "xmas/demodata/record.h"

namespace xmas::demodata {

struct SourceShare {
  const char* source;   // fmnist, scenes, ocr, scene-detail, text
  double fraction;      // of the training records
  Redundancy redundancy;
};

// In generation order; the fractions sum to 1.
const std::vector<SourceShare>& TrainMixture();

// Pretrain captions: fraction of the caption set per image source.
const std::vector<std::pair<const char*, double>>& PretrainMixture();

// Benchmark names, in generation order, and their metrics.
const std::vector<std::pair<const char*, const char*>>& Benchmarks();

// Splits `total` by `fractions` (rounded; the last takes the remainder, so
// the counts add up exactly).
std::vector<int> SplitCounts(const std::vector<double>& fractions, int total);

// Records of `source` for a total of `total` (the last source takes the
// rounding remainder so the counts add up exactly).
int RecordsFor(const char* source, int total);

}  // namespace xmas::demodata
