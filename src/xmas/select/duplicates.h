// Duplicate groups for duplicate-aware sampling (docs/method.md §2 step 6b):
// records that are copies of one another share a group, so the balanced
// sampler takes one of them before any second copy.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "xmas/data/dataset_index.h"
#include "xmas/select/trajectories.h"

namespace xmas::select {

// The part of a unique_idx before the "#<n>" suffix the authors add to a
// repeated "<id>::<image>" (data/dataset.h AssignUniqueIdx): copies with the
// same id and image share it. A key without such a suffix is returned whole.
std::string_view UniqueIdxBase(std::string_view unique_idx);

// Per record: its group, numbered 0, 1, ... in order of first appearance;
// records with the same UniqueIdxBase share one.
std::vector<int64_t> GroupsByUniqueIdx(const data::DatasetIndex& dataset);

// Merges the groups of records whose valid trajectory rows agree to a
// relative tolerance `tolerance` (every value rounded to a multiple of
// tolerance × the row's mean absolute value: exact copies, whatever their
// ids). record_of_row maps t's rows to records (MatchRows). Groups are then
// renumbered as in GroupsByUniqueIdx. Returns how many groups were merged
// into another.
size_t MergeEqualTrajectories(const Trajectories& t, const std::vector<size_t>& record_of_row,
                              double tolerance, std::vector<int64_t>* group);

}  // namespace xmas::select
