// The majority-answer baseline of a benchmark: the score of a "model" that
// gives every question the benchmark's most common gold answer. A target
// that does not clear it has learned the benchmark's answer habits at best
// (issue 16: the table reports gains over it). Torch-free.
#pragma once

#include <string>

#include "xmas/eval/bench_file.h"
#include "xmas/util/status.h"

namespace xmas::eval {

struct MajorityBaseline {
  std::string answer;  // the most common first gold answer (as written)
  size_t count = 0;    // items scored
  double score = 0;    // percent, scored as the evaluator scores a model
};

// Most common first gold answer after NormalizeAnswer (ties: the smallest
// normalised text), scored with each item's metric; a benchmark mixing
// metrics gets the count-weighted mean of the per-metric scores, as
// evaluator.h does. InvalidInput for a file without items.
Result<MajorityBaseline> MajorityAnswerBaseline(const BenchFile& file);

}  // namespace xmas::eval
