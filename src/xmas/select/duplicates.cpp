#include "xmas/select/duplicates.h"

#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

namespace xmas::select {
namespace {

// Union-find over group ids.
struct Unions {
  std::vector<int64_t> parent;
  explicit Unions(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), int64_t{0}); }
  int64_t Find(int64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(int64_t a, int64_t b) { parent[Find(a)] = Find(b); }
};

// The row's values rounded to multiples of tolerance × its mean |value|, and
// that mean's log rounded to multiples of tolerance, as bytes.
std::string QuantizedRow(const Trajectories& t, size_t r, double tolerance) {
  const float* x = t.row(r);
  double scale = 0;
  for (size_t c = 0; c < t.width(); ++c) scale += std::fabs(x[c]);
  scale = scale / static_cast<double>(t.width()) * tolerance;
  // The values relative to the mean are blind to scale: the mean's own
  // bucket (log scale, same tolerance) tells proportional rows apart.
  const int64_t magnitude = scale > 0 ? std::llround(std::log(scale) / tolerance) : 0;
  std::string key(reinterpret_cast<const char*>(&magnitude), sizeof magnitude);
  for (size_t c = 0; c < t.width(); ++c) {
    const int64_t q = scale > 0 ? std::llround(x[c] / scale) : 0;
    key.append(reinterpret_cast<const char*>(&q), sizeof q);
  }
  return key;
}

// Renumbers groups by first appearance.
void Renumber(std::vector<int64_t>* group) {
  std::unordered_map<int64_t, int64_t> number;
  for (int64_t& g : *group) g = number.emplace(g, static_cast<int64_t>(number.size())).first->second;
}

}  // namespace

std::string_view UniqueIdxBase(std::string_view key) {
  const size_t hash = key.rfind('#');
  if (hash == std::string_view::npos || hash + 1 == key.size()) return key;
  for (size_t i = hash + 1; i < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9') return key;
  }
  return key.substr(0, hash);
}

std::vector<int64_t> GroupsByUniqueIdx(const data::DatasetIndex& ds) {
  std::unordered_map<std::string_view, int64_t> number;
  std::vector<int64_t> group(ds.size());
  for (size_t i = 0; i < ds.size(); ++i) {
    group[i] = number.emplace(UniqueIdxBase(ds.unique_idx(i)), static_cast<int64_t>(number.size())).first->second;
  }
  return group;
}

size_t MergeEqualTrajectories(const Trajectories& t, const std::vector<size_t>& record_of_row, double tolerance,
                              std::vector<int64_t>* group) {
  Unions u(group->size());  // group ids are < records
  std::unordered_map<std::string, int64_t> first;  // quantised row -> a group with it
  for (size_t r = 0; r < t.rows(); ++r) {
    if (!t.valid[r] || t.width() == 0) continue;
    const int64_t g = (*group)[record_of_row[r]];
    auto [it, inserted] = first.emplace(QuantizedRow(t, r, tolerance), g);
    if (!inserted) u.Join(g, it->second);
  }
  for (int64_t& g : *group) g = u.Find(g);
  const size_t before = first.empty() ? 0 : u.parent.size();
  Renumber(group);
  size_t joined = 0;
  for (size_t g = 0; g < before; ++g) joined += u.parent[g] != static_cast<int64_t>(g);
  return joined;
}

}  // namespace xmas::select
