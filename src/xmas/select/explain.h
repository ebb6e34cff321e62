// What a selection did, cluster by cluster (`xmas select --explain`), and,
// with a truth file, how its features relate to length and task (the
// diagnostics of docs/method.md §2b). Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/select/select.h"
#include "xmas/select/truth.h"

namespace xmas::select {

// One entry per visited cluster (visit order), then the dropped ones:
// cluster, size, quota, taken, skipped (duplicates passed over), dropped;
// with `truth` (may be null) also mean_words (words after the image, over
// the cluster's members), tasks (members per task) and taken_tasks.
nlohmann::json ExplainClusters(const Selection& selection, const Truth* truth);

// The explain entries as a text table, one line per cluster.
std::string ExplainTable(const nlohmann::json& explain);

// Spearman's rank correlation of the pairs where neither value is NaN
// (average ranks for ties); NaN with fewer than 3 pairs or a constant side.
double Spearman(const std::vector<double>& a, const std::vector<double>& b);

// Normalised mutual information 2·I(a; b) / (H(a) + H(b)) of two labelings
// of the same items (1 when both are constant).
double NormalizedMutualInformation(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// With Selection::magnitude and features kept (SelectOptions::keep_features)
// and a truth file: over the records with a trajectory, Spearman of words
// after the image with the raw magnitude and with each feature column (and
// the largest |ρ| of those), and the NMI of the clusters with the task and
// with the length decile. Null when the selection kept no features.
nlohmann::json FeatureDiagnostics(const Selection& selection, const Truth& truth);

}  // namespace xmas::select
