// SemDeDup (docs/method.md §5; Abbas et al. 2023): unit embeddings (centred
// first unless --embeddings raw), spherical k-means; inside each cluster,
// visit points from the one farthest from its centroid inwards and drop
// every point whose cosine to an already kept point exceeds 1 − ε: of a
// group of semantic duplicates the paper keeps the one least similar to the
// centroid. The budget is then met exactly: a seeded sample of the kept
// points if there are more, else the dropped points least similar to a kept
// one first.
#include <algorithm>
#include <numeric>

#include "xmas/select/baseline_util.h"
#include "xmas/select/kmeans.h"
#include "xmas/select/rng.h"

namespace xmas::select {

Result<Selection> SelectSemDeDup(const MethodInput& in) {
  const SelectOptions& o = in.options;
  XMAS_ASSIGN_OR_RETURN(RecordFeatures f, RecordFeatures::Open(in));
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix e, f.Get(xmas::store::feature::kEmbed, o.method));
  PrepareEmbedding(&e, o);
  XMAS_ASSIGN_OR_RETURN(SphericalClusters sc, SphericalKMeans(e, o, in.budget));
  const int k = sc.k;
  std::vector<std::vector<size_t>> members(k);
  for (size_t i = 0; i < e.rows; ++i) members[sc.assignment[i]].push_back(i);

  const float threshold = static_cast<float>(1.0 - o.semdedup_eps);
  std::vector<size_t> kept;
  std::vector<std::pair<float, size_t>> dropped;  // (max cosine to a kept point, record)
  for (int c = 0; c < k; ++c) {
    auto& m = members[c];
    std::stable_sort(m.begin(), m.end(), [&](size_t a, size_t b) {
      return Dot(e.row(a), &sc.centroids[c * e.cols], e.cols) < Dot(e.row(b), &sc.centroids[c * e.cols], e.cols);
    });
    std::vector<size_t> cluster_kept;
    for (size_t i : m) {
      float best = -2.f;
      for (size_t j : cluster_kept) best = std::max(best, Dot(e.row(i), e.row(j), e.cols));
      if (best > threshold) {
        dropped.push_back({best, i});
      } else {
        cluster_kept.push_back(i);
      }
    }
    kept.insert(kept.end(), cluster_kept.begin(), cluster_kept.end());
  }
  const size_t budget = in.budget;
  const size_t duplicates = dropped.size();
  if (kept.size() >= budget) {
    Rng rng(o.seed);
    rng.SampleToFront(&kept, budget);
    kept.resize(budget);
  } else {
    std::stable_sort(dropped.begin(), dropped.end());
    for (size_t j = 0; kept.size() < budget; ++j) kept.push_back(dropped[j].second);
  }
  Selection s = FlatSelection(in, std::move(kept));
  s.cluster_of.assign(sc.assignment.begin(), sc.assignment.end());
  s.details = {{"clusters", k}, {"epsilon", o.semdedup_eps}, {"duplicates_found", duplicates},
               {"embeddings", NameOf(kEmbedNormNames, o.embed_norm)}};
  return s;
}

}  // namespace xmas::select
