#include "xmas/select/balanced.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "xmas/select/numpy_compat.h"
#include "xmas/select/python_random.h"
#include "xmas/select/rng.h"

namespace xmas::select {
namespace {

// Lower score first, NaN after every number, ties by example index.
struct ScoreLess {
  const std::vector<double>& score;
  bool operator()(size_t a, size_t b) const {
    const bool na = std::isnan(score[a]), nb = std::isnan(score[b]);
    if (na != nb) return nb;
    if (!na && score[a] != score[b]) return score[a] < score[b];
    return a < b;
  }
};

// Members of every cluster (ascending cluster id), each list in example order.
void GroupByCluster(const std::vector<int64_t>& cluster_of, std::vector<int64_t>* ids,
                    std::vector<std::vector<size_t>>* members) {
  *ids = cluster_of;
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  members->assign(ids->size(), {});
  for (size_t i = 0; i < cluster_of.size(); ++i) {
    const size_t c = std::lower_bound(ids->begin(), ids->end(), cluster_of[i]) - ids->begin();
    (*members)[c].push_back(i);
  }
}

std::vector<size_t> VisitOrder(const std::vector<std::vector<size_t>>& members, bool numpy_order) {
  std::vector<int64_t> counts(members.size());
  for (size_t c = 0; c < members.size(); ++c) counts[c] = static_cast<int64_t>(members[c].size());
  std::vector<size_t> order;
  if (numpy_order) {
    for (int64_t c : NumpyArgsortQuick(counts)) order.push_back(static_cast<size_t>(c));
  } else {
    order.resize(counts.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return counts[a] < counts[b]; });
  }
  return order;
}

}  // namespace

BalancedResult BalancedSample(const std::vector<int64_t>& cluster_of,
                              const std::vector<double>& score, int64_t random_cluster,
                              const BalancedOptions& options) {
  BalancedResult result;
  std::vector<int64_t> ids;
  std::vector<std::vector<size_t>> members;
  GroupByCluster(cluster_of, &ids, &members);
  std::vector<size_t> visit;
  for (size_t c : VisitOrder(members, options.numpy_order)) {
    if (members[c].size() >= options.min_cluster_size) {
      visit.push_back(c);
    } else {
      result.dropped.push_back({ids[c], members[c].size(), 0, 0});
    }
  }
  Rng rng(options.seed);
  std::vector<uint8_t> chosen(cluster_of.size(), 0);
  size_t remaining = std::min(options.budget, cluster_of.size());
  for (size_t i = 0; i < visit.size(); ++i) {
    std::vector<size_t>& m = members[visit[i]];
    ClusterVisit v{ids[visit[i]], m.size(), remaining / (visit.size() - i), 0};
    v.taken = std::min(v.quota, m.size());
    if (v.cluster == random_cluster && options.python_random) {
      std::vector<size_t> picked;
      for (size_t j : PythonRandom(options.seed).Sample(m.size(), v.taken)) picked.push_back(m[j]);
      std::copy(picked.begin(), picked.end(), m.begin());  // only the first `taken` are read
    } else if (v.cluster == random_cluster) {
      rng.SampleToFront(&m, v.taken);
    } else {
      std::partial_sort(m.begin(), m.begin() + v.taken, m.end(), ScoreLess{score});
    }
    for (size_t j = 0; j < v.taken; ++j) {
      result.chosen.push_back(m[j]);
      chosen[m[j]] = 1;
    }
    remaining -= v.taken;
    result.visits.push_back(v);
  }
  if (options.top_up && remaining > 0) {
    std::vector<size_t> rest, rest_random;
    for (size_t i = 0; i < cluster_of.size(); ++i) {
      if (!chosen[i]) (cluster_of[i] == random_cluster ? rest_random : rest).push_back(i);
    }
    std::sort(rest.begin(), rest.end(), ScoreLess{score});
    rng.SampleToFront(&rest_random, rest_random.size());
    rest.insert(rest.end(), rest_random.begin(), rest_random.end());
    for (size_t j = 0; j < remaining && j < rest.size(); ++j) result.chosen.push_back(rest[j]);
    result.topped_up = std::min(remaining, rest.size());
  }
  return result;
}

}  // namespace xmas::select
