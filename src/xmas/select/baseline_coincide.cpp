// COINCIDE (docs/method.md, Baselines): embedding = [image part | text part] scaled to unit
// norm; spherical k-means; per cluster transferability T_c (mean cosine of
// its centroid's text part with the other centroids' text parts, pairs above
// 0.9 excluded) and density D_c (mean Gaussian kernel exp(−γ‖x−y‖²) over
// member pairs); quotas ∝ softmax((T/D)/τ), clusters visited by descending
// weight with capped water-filling; inside a cluster, greedy MMD prototypes.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "xmas/select/baseline_util.h"
#include "xmas/select/kmeans.h"

namespace xmas::select {
namespace {

// The image and text parts (each centred when options.embed_norm says so),
// concatenated and scaled to unit norm.
Result<xmas::store::FeatureMatrix> Embedding(const RecordFeatures& f, const SelectOptions& o, size_t* text_offset) {
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix img, f.Get(xmas::store::feature::kCoincideImage, o.method));
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix txt, f.Get(xmas::store::feature::kCoincideText, o.method));
  if (o.embed_norm == EmbedNorm::kCentred) CentreRows(&img), CentreRows(&txt);
  xmas::store::FeatureMatrix e;
  e.rows = img.rows;
  e.cols = img.cols + txt.cols;
  e.values.reserve(e.rows * e.cols);
  for (size_t i = 0; i < e.rows; ++i) {
    e.values.insert(e.values.end(), img.row(i), img.row(i) + img.cols);
    e.values.insert(e.values.end(), txt.row(i), txt.row(i) + txt.cols);
  }
  NormalizeRows(&e);
  *text_offset = img.cols;
  return e;
}

// Greedy MMD prototypes: the q members whose empirical distribution is
// closest to the cluster's under the kernel matrix K (s × s).
std::vector<size_t> MmdPrototypes(const std::vector<double>& K, size_t s, size_t q) {
  std::vector<double> colsum(s, 0.0), in_sum(s, 0.0);
  for (size_t i = 0; i < s; ++i) {
    for (size_t j = 0; j < s; ++j) colsum[i] += K[i * s + j];
  }
  std::vector<uint8_t> used(s, 0);
  std::vector<size_t> picked;
  double a = 0, b = 0;  // Σ_{i∈S} colsum_i, Σ_{i,j∈S} K_ij
  for (size_t step = 0; step < q; ++step) {
    const double m = static_cast<double>(step + 1);
    size_t best = s;
    double best_j = -1e300;
    for (size_t x = 0; x < s; ++x) {
      if (used[x]) continue;
      const double j = 2.0 / (s * m) * (a + colsum[x]) - (b + 2 * in_sum[x] + K[x * s + x]) / (m * m);
      if (j > best_j) {
        best_j = j;
        best = x;
      }
    }
    used[best] = 1;
    picked.push_back(best);
    a += colsum[best];
    b += 2 * in_sum[best] + K[best * s + best];
    for (size_t y = 0; y < s; ++y) in_sum[y] += K[y * s + best];
  }
  return picked;
}

}  // namespace

Result<Selection> SelectCoincide(const MethodInput& in) {
  const SelectOptions& o = in.options;
  XMAS_ASSIGN_OR_RETURN(RecordFeatures f, RecordFeatures::Open(in));
  size_t text_offset = 0;
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix e, Embedding(f, o, &text_offset));
  XMAS_ASSIGN_OR_RETURN(SphericalClusters sc, SphericalKMeans(e, o, in.budget));
  const int k = sc.k;
  std::vector<std::vector<size_t>> members(k);
  for (size_t i = 0; i < e.rows; ++i) members[sc.assignment[i]].push_back(i);

  // Transferability from the centroids' unit text parts.
  const size_t tw = e.cols - text_offset;
  xmas::store::FeatureMatrix ct;
  ct.rows = k;
  ct.cols = tw;
  for (int c = 0; c < k; ++c) {
    ct.values.insert(ct.values.end(), &sc.centroids[c * e.cols + text_offset], &sc.centroids[(c + 1) * e.cols]);
  }
  NormalizeRows(&ct);
  std::vector<double> weight(k, -1e300);
  std::vector<std::vector<double>> kernels(k);
  for (int c = 0; c < k; ++c) {
    double t = 0;
    int pairs = 0;
    for (int c2 = 0; c2 < k; ++c2) {
      const double cos = Dot(ct.row(c), ct.row(c2), tw);
      if (c2 != c && cos <= 0.9) {
        t += cos;
        ++pairs;
      }
    }
    t = pairs ? t / pairs : 0;
    const auto& m = members[c];
    if (m.empty()) continue;
    auto& K = kernels[c];
    K.resize(m.size() * m.size());
    double dens = 0;
    for (size_t i = 0; i < m.size(); ++i) {
      for (size_t j = 0; j < m.size(); ++j) {
        const double d2 = std::max(0.0, 2.0 - 2.0 * Dot(e.row(m[i]), e.row(m[j]), e.cols));
        K[i * m.size() + j] = std::exp(-o.gamma * d2);
        dens += K[i * m.size() + j];
      }
    }
    dens /= static_cast<double>(m.size() * m.size());
    weight[c] = (t / dens) / o.temperature;
  }
  // Softmax weights; visit by descending weight, each takes its share of
  // what is left (capped at its size) so unused budget flows on.
  std::vector<size_t> order;
  for (int c = 0; c < k; ++c) {
    if (!members[c].empty()) order.push_back(c);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return weight[a] > weight[b]; });
  const double wmax = order.empty() ? 0 : weight[order[0]];
  std::vector<double> p(k, 0.0);
  double rest = 0;
  for (size_t c : order) rest += (p[c] = std::exp(weight[c] - wmax));
  size_t remaining = in.budget;
  Selection sel = FlatSelection(in, {});
  for (size_t idx = 0; idx < order.size(); ++idx) {
    const size_t c = order[idx];
    const size_t share = idx + 1 == order.size() ? remaining
                                                  : static_cast<size_t>(std::llround(remaining * p[c] / rest));
    const size_t q = std::min({share, remaining, members[c].size()});
    for (size_t local : MmdPrototypes(kernels[c], members[c].size(), q)) sel.chosen.push_back(members[c][local]);
    sel.visits.push_back({static_cast<int64_t>(c), members[c].size(), share, q});
    remaining -= q;
    rest -= p[c];
  }
  // Capped clusters can leave budget: fill with unchosen points in order.
  std::vector<uint8_t> taken(e.rows, 0);
  for (size_t i : sel.chosen) taken[i] = 1;
  for (size_t i = 0; i < e.rows && remaining > 0; ++i) {
    if (!taken[i]) {
      sel.chosen.push_back(i);
      --remaining;
      ++sel.topped_up;
    }
  }
  sel.budget = sel.chosen.size();
  sel.cluster_of.assign(sc.assignment.begin(), sc.assignment.end());
  sel.details = {{"clusters", k}, {"temperature", o.temperature}, {"gamma", o.gamma}};
  return sel;
}

}  // namespace xmas::select
