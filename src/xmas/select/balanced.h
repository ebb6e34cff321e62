// Balanced sampling across clusters (docs/method.md §2 step 6), the heart of XMAS.
//
// Clusters with fewer than min_cluster_size members are dropped; the rest
// are visited in ascending size and the i-th of m gets
// quota = remaining / (m − i), of which it gives min(quota, size). Budget a
// small cluster cannot use rolls over to the larger ones. Inside a cluster
// the lowest-score examples are taken (ties: example order); inside the
// `random_cluster` (the text-only examples) a seeded uniform sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xmas::select {

struct BalancedOptions {
  size_t budget = 0;
  size_t min_cluster_size = 3;  // docs/method.md §2: clusters with <= 2 members are dropped
  // Official mode: visit clusters in the order np.argsort(counts) gives
  // (NumPy's unstable introsort over clusters sorted by id). Otherwise equal
  // sizes are visited by ascending cluster id.
  bool numpy_order = false;
  // After the visits, fill any budget left (only possible when clusters are
  // smaller than their quotas) with the best remaining examples of any
  // cluster, so the budget is met exactly. Off in official mode.
  bool top_up = true;
  uint64_t seed = 0;  // for the random cluster
  // Official mode: sample the random cluster as random.seed(seed) +
  // random.sample(members, quota) do in CPython (python_random.h), as the
  // authors' script does; otherwise with Rng.
  bool python_random = false;
  // Duplicate group of every example (same size as cluster_of), or nullptr:
  // no example is skipped. Group ids are any int64; -1 = in no group.
  const std::vector<int64_t>* group = nullptr;
  // Visit the random cluster first with quota = budget × its share of the
  // examples (what a uniform sample gives it), instead of as one cluster
  // among the others: text-only examples have no trajectory to balance, and
  // as one of K + 1 clusters they get 1/(K + 1) of the budget whatever
  // their number. Off in official mode.
  bool random_cluster_share = false;
};

struct ClusterVisit {
  int64_t cluster = 0;
  size_t size = 0;
  size_t quota = 0;
  size_t taken = 0;
  size_t skipped = 0;  // duplicates passed over (their group had a pick)
};

struct BalancedResult {
  std::vector<size_t> chosen;        // example indices, in sampling order
  std::vector<ClusterVisit> visits;  // in visit order
  std::vector<ClusterVisit> dropped;  // clusters below min_cluster_size
  size_t topped_up = 0;              // examples added by top_up
  size_t topped_up_duplicates = 0;   // of those, examples whose group already had a pick
};

// cluster_of[i]: cluster of example i (any int64 ids); score[i]: lower is
// preferred (NaN is ranked after every number); random_cluster: the id
// sampled at random, or any id not in use.
BalancedResult BalancedSample(const std::vector<int64_t>& cluster_of,
                              const std::vector<double>& score, int64_t random_cluster,
                              const BalancedOptions& options);

}  // namespace xmas::select
