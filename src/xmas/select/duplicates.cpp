#include "xmas/select/duplicates.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <unordered_map>
#include <utility>

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

// The row's values rounded to multiples of tolerance × its mean |value|,
// preceded by that mean's log rounded to multiples of tolerance (the values
// relative to the mean are blind to scale: the mean's own bucket tells
// proportional rows apart). `key` gets width + 1 numbers.
void QuantizedRow(const Trajectories& t, size_t r, double tolerance, std::vector<int64_t>* key) {
  const float* x = t.row(r);
  double scale = 0;
  for (size_t c = 0; c < t.width(); ++c) scale += std::fabs(x[c]);
  scale = scale / static_cast<double>(t.width()) * tolerance;
  key->clear();
  key->push_back(scale > 0 ? std::llround(std::log(scale) / tolerance) : 0);
  for (size_t c = 0; c < t.width(); ++c) key->push_back(scale > 0 ? std::llround(x[c] / scale) : 0);
}

// FNV-1a over the key's numbers.
uint64_t Hash(const std::vector<int64_t>& key) {
  uint64_t h = 1469598103934665603ull;
  for (int64_t v : key) {
    for (int b = 0; b < 8; ++b) h = (h ^ ((static_cast<uint64_t>(v) >> (8 * b)) & 0xff)) * 1099511628211ull;
  }
  return h;
}

// Renumbers groups (ids < group->size()) by first appearance.
void Renumber(std::vector<int64_t>* group) {
  std::vector<int64_t> number(group->size(), -1);
  int64_t next = 0;
  for (int64_t& g : *group) {
    if (number[g] < 0) number[g] = next++;
    g = number[g];
  }
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
  number.reserve(ds.size());
  std::vector<int64_t> group(ds.size());
  for (size_t i = 0; i < ds.size(); ++i) {
    group[i] = number.emplace(UniqueIdxBase(ds.unique_idx(i)), static_cast<int64_t>(number.size())).first->second;
  }
  return group;
}

size_t MergeEqualTrajectories(const Trajectories& t, const std::vector<size_t>& record_of_row, double tolerance,
                              std::vector<int64_t>* group) {
  Unions u(group->size());  // group ids are < records
  // Rows sorted by the hash of their quantised values; rows of one hash are
  // compared by value (a collision never merges), equal ones joined.
  std::vector<std::pair<uint64_t, size_t>> hashed;
  hashed.reserve(t.rows());
  std::vector<int64_t> key, other;
  for (size_t r = 0; r < t.rows(); ++r) {
    if (!t.valid[r] || t.width() == 0) continue;
    QuantizedRow(t, r, tolerance, &key);
    hashed.emplace_back(Hash(key), r);
  }
  std::sort(hashed.begin(), hashed.end());
  size_t joins = 0;
  for (size_t a = 0; a < hashed.size();) {
    size_t b = a + 1;
    while (b < hashed.size() && hashed[b].first == hashed[a].first) ++b;
    for (size_t i = a + 1; i < b; ++i) {  // usually b == a + 1
      QuantizedRow(t, hashed[i].second, tolerance, &key);
      for (size_t j = a; j < i; ++j) {
        QuantizedRow(t, hashed[j].second, tolerance, &other);
        if (key != other) continue;
        const int64_t gi = u.Find((*group)[record_of_row[hashed[i].second]]);
        const int64_t gj = u.Find((*group)[record_of_row[hashed[j].second]]);
        if (gi != gj) u.Join(gi, gj), ++joins;
        break;
      }
    }
    a = b;
  }
  for (int64_t& g : *group) g = u.Find(g);
  Renumber(group);
  return joins;
}

}  // namespace xmas::select
