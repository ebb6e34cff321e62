// Control selections that read the ground truth (truth.h) instead of any
// feature: they show the range an experiment can measure. Available only
// with --truth (internal to select/; `xmas select --method oracle|anti`).
//
//   oracle  what a perfect selector would take: tier by tier (clean
//           originals, clean paraphrases, noisy records, further copies),
//           one record per duplicate group (its first), spread evenly over
//           the tasks by the balanced quota rule (balanced.h: smallest task
//           first, quota = remaining / tasks left, unused quota rolls over);
//           inside a task a seeded random order.
//   anti    the worst: records of duplicate groups of two or more (noisy
//           ones first), then noisy singletons, then paraphrases, then the
//           rest; inside a tier the largest groups first, whole groups
//           together, groups of equal size in seeded random order.
#pragma once

#include <string>

#include "xmas/select/select.h"
#include "xmas/select/truth.h"

namespace xmas::select {

// Both run through the method table (methods.cpp): o.method ("oracle" or
// "anti") on o.truth (checked against the dataset); a usage error when
// o.truth is empty.

// The two methods on an already loaded truth; budget <= truth.records.size().
// Deterministic for a seed. Return dataset indices in picking order.
std::vector<size_t> OracleOrder(const Truth& truth, size_t budget, uint64_t seed);
std::vector<size_t> AntiOrder(const Truth& truth, size_t budget, uint64_t seed);

}  // namespace xmas::select
