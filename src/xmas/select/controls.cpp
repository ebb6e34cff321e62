#include "xmas/select/controls.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "xmas/select/balanced.h"
#include "xmas/select/methods.h"
#include "xmas/select/baseline_util.h"
#include "xmas/select/rng.h"

namespace xmas::select {
namespace {

// Records that are not the first of their duplicate group (in dataset order).
std::vector<bool> LaterCopies(const Truth& truth) {
  std::vector<bool> later(truth.records.size());
  std::map<int64_t, bool> seen;
  for (size_t i = 0; i < truth.records.size(); ++i) later[i] = !seen.emplace(truth.records[i].group, true).second;
  return later;
}

// Oracle tiers: 0 clean original, 1 clean paraphrase, 2 noisy, 3 a further copy.
int OracleTier(const TruthRecord& r, bool later_copy) {
  if (later_copy) return 3;
  if (r.noisy) return 2;
  return r.paraphrase_of.empty() ? 0 : 1;
}

// Anti tiers: 0 noisy in a group of 2+, 1 clean in a group of 2+, 2 noisy,
// 3 paraphrase, 4 the rest.
int AntiTier(const TruthRecord& r, size_t group_size) {
  if (group_size > 1) return r.noisy ? 0 : 1;
  if (r.noisy) return 2;
  return r.paraphrase_of.empty() ? 4 : 3;
}

}  // namespace


std::vector<size_t> OracleOrder(const Truth& truth, size_t budget, uint64_t seed) {
  const std::vector<bool> later = LaterCopies(truth);
  std::map<std::string, int64_t> task_id;
  for (const TruthRecord& r : truth.records) task_id.emplace(r.task, static_cast<int64_t>(task_id.size()));
  Rng rng(seed);
  std::vector<size_t> chosen;
  for (int tier = 0; tier < 4 && chosen.size() < budget; ++tier) {
    std::vector<size_t> members;
    std::vector<int64_t> task_of;
    std::vector<double> score;
    for (size_t i = 0; i < truth.records.size(); ++i) {
      if (OracleTier(truth.records[i], later[i]) != tier) continue;
      members.push_back(i);
      task_of.push_back(task_id[truth.records[i].task]);
      score.push_back(rng.Uniform());
    }
    BalancedOptions bo;
    bo.budget = std::min(budget - chosen.size(), members.size());
    bo.min_cluster_size = 1;
    bo.seed = seed;
    for (size_t k : BalancedSample(task_of, score, -1, bo).chosen) chosen.push_back(members[k]);
  }
  return chosen;
}

std::vector<size_t> AntiOrder(const Truth& truth, size_t budget, uint64_t seed) {
  std::map<int64_t, size_t> group_size;
  for (const TruthRecord& r : truth.records) ++group_size[r.group];
  std::map<int64_t, uint64_t> group_key;  // random order among groups
  Rng rng(seed);
  for (const auto& entry : group_size) group_key[entry.first] = rng.Next();
  std::vector<size_t> order(truth.records.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto key = [&](size_t i) {
    const TruthRecord& r = truth.records[i];
    const size_t size = group_size[r.group];
    // Tier, then larger groups first (~size), groups in random order, whole groups together.
    return std::make_tuple(AntiTier(r, size), ~size, group_key[r.group], r.group, i);
  };
  std::vector<decltype(key(0))> keys;
  keys.reserve(order.size());
  for (size_t i : order) keys.push_back(key(i));
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  order.resize(std::min(budget, order.size()));
  return order;
}

// The table's entry point for both controls (methods.cpp); Select has
// resolved the budget (at most the data's size).
Result<Selection> SelectTruthControl(const MethodInput& in) {
  const SelectOptions& o = in.options;
  if (o.truth.empty()) return Status::Usage("--method " + o.method + " needs --truth (a truth.json from xmas demo-data)");
  XMAS_ASSIGN_OR_RETURN(Truth truth, LoadTruthFor(o.truth, in.dataset));
  std::vector<size_t> chosen =
      o.method == "oracle" ? OracleOrder(truth, in.budget, o.seed) : AntiOrder(truth, in.budget, o.seed);
  Selection s = FlatSelection(in, std::move(chosen));
  s.details = {{"truth", o.truth}};
  return s;
}

}  // namespace xmas::select
