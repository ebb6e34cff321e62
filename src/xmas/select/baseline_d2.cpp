// D2-Pruning (docs/method.md, Baselines): a kNN graph on unit embeddings; forward message
// passing g_i = s_i + Σ_{j∈kNN(i)} exp(−γ d_ij) s_j; then repeatedly take the
// largest g_i and discount its neighbours g_j −= g_i exp(−γ d_ij), which
// spreads the choice over dense regions. s_i is the EL2N score if the store
// has one, else the last-checkpoint loss, else 1 (pure coverage).
#include <algorithm>
#include <cmath>
#include <queue>

#include "xmas/select/baseline_util.h"

namespace xmas::select {
namespace {

struct Neighbour {
  uint32_t j;
  float dist;
};

// Exhaustive kNN (O(N² D)); fine up to some 10^5 examples.
std::vector<std::vector<Neighbour>> KnnGraph(const xmas::store::FeatureMatrix& e, size_t knn) {
  std::vector<std::vector<Neighbour>> g(e.rows);
#pragma omp parallel for schedule(dynamic, 64)
  for (long i = 0; i < static_cast<long>(e.rows); ++i) {
    std::vector<Neighbour> all;
    for (size_t j = 0; j < e.rows; ++j) {
      if (j == static_cast<size_t>(i)) continue;
      const float cos = Dot(e.row(i), e.row(j), e.cols);
      all.push_back({static_cast<uint32_t>(j), std::sqrt(std::max(0.f, 2.f - 2.f * cos))});
    }
    const size_t keep = std::min(knn, all.size());
    std::partial_sort(all.begin(), all.begin() + keep, all.end(), [](const Neighbour& a, const Neighbour& b) {
      return a.dist != b.dist ? a.dist < b.dist : a.j < b.j;
    });
    all.resize(keep);
    g[i] = std::move(all);
  }
  return g;
}

}  // namespace

Result<Selection> SelectD2Pruning(const MethodInput& in) {
  const SelectOptions& o = in.options;
  XMAS_ASSIGN_OR_RETURN(RecordFeatures f, RecordFeatures::Open(in));
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix e, f.Get(xmas::store::feature::kEmbed, o.method));
  PrepareEmbedding(&e, o);
  std::vector<double> s(e.rows, 1.0);
  std::string score_name = "uniform";
  for (const char* name : {xmas::store::feature::kEl2n, xmas::store::feature::kLoss}) {
    if (!f.Has(name)) continue;
    XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix m, f.Get(name, o.method));
    for (size_t i = 0; i < e.rows; ++i) s[i] = m.values[i * m.cols];
    score_name = name;
    break;
  }
  const auto graph = KnnGraph(e, static_cast<size_t>(std::max(1, o.knn)));
  std::vector<double> g(s);
  for (size_t i = 0; i < e.rows; ++i) {
    for (const auto& nb : graph[i]) g[i] += std::exp(-o.gamma * nb.dist) * s[nb.j];
  }
  // Greedy reverse message passing with a lazy max-heap (ties: lower index).
  using Entry = std::pair<double, int64_t>;  // (g, -index)
  std::priority_queue<Entry> heap;
  for (size_t i = 0; i < e.rows; ++i) heap.push({g[i], -static_cast<int64_t>(i)});
  std::vector<uint8_t> taken(e.rows, 0);
  std::vector<size_t> chosen;
  const size_t budget = in.budget;
  while (chosen.size() < budget && !heap.empty()) {
    const auto [value, neg] = heap.top();
    heap.pop();
    const size_t i = static_cast<size_t>(-neg);
    if (taken[i] || value != g[i]) continue;  // stale entry
    taken[i] = 1;
    chosen.push_back(i);
    for (const auto& nb : graph[i]) {
      if (taken[nb.j]) continue;
      g[nb.j] -= g[i] * std::exp(-o.gamma * nb.dist);
      heap.push({g[nb.j], -static_cast<int64_t>(nb.j)});
    }
  }
  Selection sel = FlatSelection(in, std::move(chosen));
  sel.details = {{"knn", o.knn}, {"gamma", o.gamma}, {"score", score_name}};
  return sel;
}

}  // namespace xmas::select
