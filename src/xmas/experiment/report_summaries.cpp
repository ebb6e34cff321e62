// SampleClusterCurves and ClusterSizes (declared in report_html.h).
#include <algorithm>
#include <cmath>
#include <map>

#include "xmas/experiment/report_html.h"

namespace xmas::experiment {

std::vector<size_t> ClusterSizes(const std::vector<int64_t>& cluster_of_row) {
  std::map<int64_t, size_t> sizes;
  for (int64_t c : cluster_of_row) {
    if (c >= 0) ++sizes[c];
  }
  std::vector<size_t> out;
  for (const auto& [c, n] : sizes) out.push_back(n);
  return out;
}

std::vector<ClusterCurve> SampleClusterCurves(const std::vector<float>& values, size_t num_steps,
                                              const std::vector<int64_t>& cluster_of_row,
                                              size_t max_clusters) {
  std::map<int64_t, std::vector<size_t>> members;
  for (size_t r = 0; r < cluster_of_row.size() && (r + 1) * num_steps <= values.size(); ++r) {
    if (cluster_of_row[r] >= 0) members[cluster_of_row[r]].push_back(r);
  }
  std::vector<std::pair<size_t, int64_t>> by_size;  // (size, id): ascending size, then id
  for (const auto& [c, rows] : members) by_size.emplace_back(rows.size(), c);
  std::sort(by_size.begin(), by_size.end());
  std::vector<int64_t> chosen;
  size_t n = std::min(max_clusters, by_size.size());
  for (size_t i = 0; i < n; ++i) {
    size_t pick = n == 1 ? by_size.size() - 1 : i * (by_size.size() - 1) / (n - 1);
    chosen.push_back(by_size[pick].second);
  }
  std::vector<ClusterCurve> curves;
  for (int64_t c : chosen) {
    const auto& rows = members[c];
    ClusterCurve curve;
    curve.cluster = c;
    curve.size = rows.size();
    for (size_t t = 0; t < num_steps; ++t) {
      double sum = 0, sq = 0;
      for (size_t r : rows) sum += values[r * num_steps + t];
      double mean = sum / rows.size();
      for (size_t r : rows) sq += (values[r * num_steps + t] - mean) * (values[r * num_steps + t] - mean);
      double sd = rows.size() > 1 ? std::sqrt(sq / (rows.size() - 1)) : 0;
      curve.mean.push_back(mean);
      curve.lo.push_back(mean - sd);
      curve.hi.push_back(mean + sd);
    }
    curves.push_back(std::move(curve));
  }
  return curves;
}

}  // namespace xmas::experiment
