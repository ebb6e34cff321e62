#include "xmas/select/balanced.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

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

// The duplicate groups that already have a pick.
class Groups {
 public:
  explicit Groups(const std::vector<int64_t>* group) : group_(group) {}
  bool Active() const { return group_ != nullptr; }
  bool Taken(size_t e) const { return group_ && (*group_)[e] >= 0 && taken_.count((*group_)[e]); }
  void Take(size_t e) {
    if (group_ && (*group_)[e] >= 0) taken_.insert((*group_)[e]);
  }

 private:
  const std::vector<int64_t>* group_;
  std::unordered_set<int64_t> taken_;
};

// Puts a cluster's members in preference order: at least the first `need`
// (the random cluster a seeded sample, the others lowest score first).
void OrderMembers(std::vector<size_t>* m, size_t need, bool random, const BalancedOptions& o,
                  const std::vector<double>& score, Rng* rng) {
  if (random && o.python_random) {
    std::vector<size_t> picked;
    for (size_t j : PythonRandom(o.seed).Sample(m->size(), need)) picked.push_back((*m)[j]);
    std::copy(picked.begin(), picked.end(), m->begin());  // only the first `need` are read
  } else if (random) {
    rng->SampleToFront(m, need);
  } else {
    std::partial_sort(m->begin(), m->begin() + need, m->end(), ScoreLess{score});
  }
}

// Takes up to `quota` of the ordered members `m`, passing over (and
// counting) those whose group already has a pick.
void TakeInOrder(const std::vector<size_t>& m, ClusterVisit* v, Groups* groups,
                 std::vector<uint8_t>* chosen, BalancedResult* result) {
  for (size_t j = 0; j < m.size() && v->taken < v->quota; ++j) {
    if (groups->Taken(m[j])) {
      ++v->skipped;
      continue;
    }
    groups->Take(m[j]);
    result->chosen.push_back(m[j]);
    (*chosen)[m[j]] = 1;
    ++v->taken;
  }
}

// Fills the budget left with the unchosen examples: the best scored first,
// then the random cluster's in a seeded order; members of a group with a
// pick only after every other.
void TopUp(const std::vector<int64_t>& cluster_of, const std::vector<double>& score, int64_t random_cluster,
           size_t remaining, const std::vector<uint8_t>& chosen, Groups* groups, Rng* rng,
           BalancedResult* result) {
  std::vector<size_t> rest, rest_random;
  for (size_t i = 0; i < cluster_of.size(); ++i) {
    if (!chosen[i]) (cluster_of[i] == random_cluster ? rest_random : rest).push_back(i);
  }
  std::sort(rest.begin(), rest.end(), ScoreLess{score});
  rng->SampleToFront(&rest_random, rest_random.size());
  rest.insert(rest.end(), rest_random.begin(), rest_random.end());
  std::vector<size_t> later;  // duplicates, in the same order
  for (size_t e : rest) {
    if (result->topped_up == remaining) break;
    if (groups->Taken(e)) {
      later.push_back(e);
      continue;
    }
    groups->Take(e);
    result->chosen.push_back(e);
    ++result->topped_up;
  }
  for (size_t j = 0; j < later.size() && result->topped_up < remaining; ++j) {
    result->chosen.push_back(later[j]);
    ++result->topped_up;
    ++result->topped_up_duplicates;
  }
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
  Groups groups(options.group);
  std::vector<uint8_t> chosen(cluster_of.size(), 0);
  size_t remaining = std::min(options.budget, cluster_of.size());
  const auto random_at = std::find_if(visit.begin(), visit.end(), [&](size_t c) { return ids[c] == random_cluster; });
  if (options.random_cluster_share && random_at != visit.end()) {
    std::vector<size_t>& m = members[*random_at];
    const auto share = static_cast<unsigned __int128>(remaining) * m.size() / cluster_of.size();
    ClusterVisit v{random_cluster, m.size(), static_cast<size_t>(share), 0};
    OrderMembers(&m, groups.Active() ? m.size() : std::min(v.quota, m.size()), true, options, score, &rng);
    TakeInOrder(m, &v, &groups, &chosen, &result);
    remaining -= v.taken;
    result.visits.push_back(v);
    visit.erase(random_at);
  }
  for (size_t i = 0; i < visit.size(); ++i) {
    std::vector<size_t>& m = members[visit[i]];
    ClusterVisit v{ids[visit[i]], m.size(), remaining / (visit.size() - i), 0};
    // Without groups only the first min(quota, size) are ever read.
    const size_t need = groups.Active() ? m.size() : std::min(v.quota, m.size());
    OrderMembers(&m, need, v.cluster == random_cluster, options, score, &rng);
    TakeInOrder(m, &v, &groups, &chosen, &result);
    remaining -= v.taken;
    result.visits.push_back(v);
  }
  if (options.top_up && remaining > 0) {
    TopUp(cluster_of, score, random_cluster, remaining, chosen, &groups, &rng, &result);
  }
  return result;
}

}  // namespace xmas::select
