// XMAS and S2L: trajectories → stability → k-means → balanced sampling.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "xmas/select/duplicates.h"
#include "xmas/select/kmeans.h"
#include "xmas/select/methods.h"
#include "xmas/select/rng.h"
#include "xmas/select/stopwatch.h"
#include "xmas/select/trajectory_source.h"
#include "xmas/util/log.h"

namespace xmas::select {
namespace {

struct Clustered {
  std::vector<int32_t> cluster_of_row;  // -1 for rows not clustered
  std::vector<double> centroid_dist;    // per row, distance to its centroid
  int k = 0;
  KMeansResult kmeans;
};

// Selection::features: the k-means input rows, per record.
void KeepFeatures(const std::vector<float>& x, const std::vector<size_t>& row_of,
                  const std::vector<size_t>& record_of_row, size_t w, Selection* sel) {
  sel->feature_cols = w;
  sel->features.assign(sel->magnitude.size() * w, std::nanf(""));
  for (size_t j = 0; j < row_of.size(); ++j) {
    std::copy(x.begin() + j * w, x.begin() + (j + 1) * w, sel->features.begin() + record_of_row[row_of[j]] * w);
  }
}

// The rank of each row's stability inside its cluster, as the van der Corput
// radical inverse (base 2) of the rank: lowest first, these scores visit the
// ranks 0, n/2, n/4, 3n/4, ... so any prefix spreads over the stability range.
std::vector<double> StratifiedScores(const std::vector<int32_t>& cluster_of_row, const std::vector<double>& tv) {
  std::vector<size_t> rows(tv.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return tv[a] < tv[b]; });
  std::unordered_map<int32_t, uint32_t> seen;  // rows ranked so far, per cluster
  std::vector<double> score(tv.size(), 0.0);
  for (size_t r : rows) {
    if (cluster_of_row[r] < 0) continue;
    uint32_t rank = seen[cluster_of_row[r]]++, inverse = 0;
    for (int b = 0; b < 32; ++b, rank >>= 1) inverse = (inverse << 1) | (rank & 1u);
    score[r] = static_cast<double>(inverse) / 4294967296.0;
  }
  return score;
}

// Official: every row in key order (as the authors). Default: the valid rows
// in dataset order, so the result does not depend on the source's row order.
Result<Clustered> ClusterRows(Trajectories* t, bool official, const SelectOptions& o,
                              const std::vector<size_t>& record_of_row, size_t budget, Selection* sel) {
  Clustered c;
  std::vector<size_t> row_of;
  std::vector<float> x;
  if (official) {  // the authors cluster every row, text-only ones too, NaN → 0
    const size_t zeroed = ZeroNans(&t->values);
    if (zeroed) log::Warn("official mode: ", zeroed, " NaN trajectory values set to 0 (as the authors do)");
    row_of.resize(t->rows());
    for (size_t r = 0; r < row_of.size(); ++r) row_of[r] = r;
    x = std::move(t->values);  // not needed after this (TV is already taken)
  } else {
    if (o.standardize) Standardize(t);
    for (size_t r = 0; r < t->rows(); ++r) {
      if (t->valid[r]) row_of.push_back(r);
    }
    std::sort(row_of.begin(), row_of.end(),
              [&](size_t a, size_t b) { return record_of_row[a] < record_of_row[b]; });
    x.reserve(row_of.size() * t->width());
    for (size_t r : row_of) x.insert(x.end(), t->row(r), t->row(r) + t->width());
    std::vector<float>().swap(t->values);  // k-means works on the copy
  }
  if (o.keep_features) KeepFeatures(x, row_of, record_of_row, t->width(), sel);
  const KMeansOptions ko = KMeansFor(o, row_of.size(), budget);
  XMAS_ASSIGN_OR_RETURN(c.kmeans, KMeans(x.data(), row_of.size(), t->width(), ko));
  c.k = ko.k;
  c.cluster_of_row.assign(t->rows(), -1);
  c.centroid_dist.assign(t->rows(), std::numeric_limits<double>::quiet_NaN());
  const size_t w = t->width();
  for (size_t j = 0; j < row_of.size(); ++j) {
    const int32_t a = c.kmeans.assignment[j];
    c.cluster_of_row[row_of[j]] = a;
    double s = 0;
    for (size_t d = 0; d < w; ++d) {
      const double diff = x[j * w + d] - c.kmeans.centroids[a * w + d];
      s += diff * diff;
    }
    c.centroid_dist[row_of[j]] = std::sqrt(s);
  }
  return c;
}

}  // namespace

Result<Selection> SelectByTrajectories(const MethodInput& in, bool loss) {
  const data::DatasetIndex& ds = in.dataset;
  const SelectOptions& o = in.options;
  const bool official = o.compat == Compat::kOfficial;
  Selection sel;
  sel.method = o.method;
  Stopwatch watch;
  TrajectorySourceOptions so;
  so.metric = loss ? TrajectoryMetric::kLoss : TrajectoryMetric::kSvd;
  so.top_k = o.top_k;
  so.keep_all = o.keep_all_k;
  so.allow_nan = official;
  so.expected_rows = ds.size();
  so.expected_key_bytes = ds.key_bytes();
  XMAS_ASSIGN_OR_RETURN(Trajectories t, LoadTrajectories(o.trajectories, so));
  XMAS_ASSIGN_OR_RETURN(std::vector<size_t> record_of_row, MatchRows(t, ds, o.trajectories));
  for (size_t r = 0; r < t.rows(); ++r) {
    if (!ds.has_image(record_of_row[r])) t.valid[r] = 0;
  }
  watch.Lap("read trajectories", &sel.timings);
  // xmas's own defaults (S2L's loss trajectories are used as its paper does).
  const Normalize normalize = official || loss ? Normalize::kNone : o.normalize;
  const Dedup dedup = official || loss ? Dedup::kNone : o.dedup;
  std::vector<int64_t> group;
  size_t merged = 0;
  if (dedup != Dedup::kNone) group = GroupsByUniqueIdx(ds);
  if (dedup == Dedup::kTrajectory) merged = MergeEqualTrajectories(t, record_of_row, 1e-4, &group);
  if (o.keep_features) {
    sel.magnitude.assign(ds.size(), std::nan(""));
    const std::vector<double> mean = RowMeans(t);
    for (size_t r = 0; r < t.rows(); ++r) sel.magnitude[record_of_row[r]] = mean[r];
  }
  NormalizeTrajectories(&t, normalize);
  const std::vector<double> tv = TotalVariation(t);
  watch.Lap("stability", &sel.timings);
  XMAS_ASSIGN_OR_RETURN(Clustered c, ClusterRows(&t, official, o, record_of_row, in.budget, &sel));
  watch.Lap("k-means", &sel.timings);

  // Examples to sample from. Official: the rows in key order, then text-only
  // records without a row (the authors append them by id). Default: records.
  std::vector<size_t> record_of_example;
  std::vector<int64_t> row_of_record(ds.size(), -1);
  for (size_t r = 0; r < t.rows(); ++r) row_of_record[record_of_row[r]] = static_cast<int64_t>(r);
  if (official) {
    record_of_example = record_of_row;
    for (size_t i = 0; i < ds.size(); ++i) {
      if (row_of_record[i] < 0) record_of_example.push_back(i);
    }
  } else {
    for (size_t i = 0; i < ds.size(); ++i) record_of_example.push_back(i);
  }
  const int64_t text_cluster = c.k;  // max cluster id + 1
  const size_t m = record_of_example.size();
  std::vector<int64_t> cluster(m);
  std::vector<double> score(m, 0.0);
  Rng score_rng(o.seed ^ 0x5851f42d4c957f2dull);
  const Within within = loss ? Within::kRandom : official ? Within::kStability : o.within;
  const std::vector<double> strata = within == Within::kStratified ? StratifiedScores(c.cluster_of_row, tv)
                                                                   : std::vector<double>();
  for (size_t e = 0; e < m; ++e) {
    const size_t rec = record_of_example[e];
    const int64_t row = row_of_record[rec];
    cluster[e] = !ds.has_image(rec) || row < 0 ? text_cluster : c.cluster_of_row[row];
    if (cluster[e] == text_cluster) continue;
    score[e] = within == Within::kStability    ? tv[row]
               : within == Within::kCentroid   ? c.centroid_dist[row]
               : within == Within::kStratified ? strata[row]
                                               : score_rng.Uniform();
  }
  sel.population = m;
  sel.budget = in.budget;  // m is every record: each row names its own one (MatchRows)
  BalancedOptions bo;
  bo.budget = sel.budget;
  bo.numpy_order = official;
  bo.python_random = official;
  bo.top_up = !official;
  bo.random_cluster_share = !official && !loss && o.text_share;
  bo.seed = o.seed;
  std::vector<int64_t> group_of_example;  // groups are per record; examples may be in key order
  for (size_t e = 0; e < m && !group.empty(); ++e) group_of_example.push_back(group[record_of_example[e]]);
  if (!group.empty()) bo.group = &group_of_example;
  BalancedResult b = BalancedSample(cluster, score, text_cluster, bo);
  for (size_t e : b.chosen) sel.chosen.push_back(record_of_example[e]);
  sel.cluster_of.assign(ds.size(), -1);
  for (size_t e = 0; e < m; ++e) sel.cluster_of[record_of_example[e]] = cluster[e];
  sel.visits = std::move(b.visits);
  sel.dropped = std::move(b.dropped);
  sel.topped_up = b.topped_up;
  size_t skipped = 0;
  for (const ClusterVisit& v : sel.visits) skipped += v.skipped;
  watch.Lap("sampling", &sel.timings);

  // The authors' files (--write-official) only: 665k keys as strings cost ~60 MB.
  if (!o.write_official_dir.empty()) sel.official_keys.reserve(t.rows());
  for (size_t r = 0; r < t.rows() && !o.write_official_dir.empty(); ++r) {
    sel.official_keys.emplace_back(t.keys.key(r));
    sel.official_cluster.push_back(c.cluster_of_row[r]);
    sel.official_stability.push_back(tv[r]);
  }
  sel.details = {{"metric", loss ? "loss" : "svd"},
                 {"checkpoints", t.steps},
                 {"dims_per_checkpoint", t.dims},
                 {"standardize", o.standardize && !official},
                 {"clusters", c.k},
                 {"text_only_cluster", text_cluster},
                 {"kmeans_engine", official ? "faiss" : "fast"},
                 {"kmeans_iterations_run", c.kmeans.iterations_run},
                 {"kmeans_exhaustive_iterations", c.kmeans.exhaustive_iterations},
                 {"kmeans_training_rows", c.kmeans.training_rows},
                 {"kmeans_objective", c.kmeans.objective},
                 {"within", NameOf(kWithinNames, within)},
                 {"normalize", NameOf(kNormalizeNames, normalize)},
                 {"dedup", NameOf(kDedupNames, dedup)},
                 {"text_only_quota", bo.random_cluster_share ? "share" : "one cluster"},
                 {"duplicate_groups_merged_by_trajectory", merged},
                 {"duplicates_skipped", skipped},
                 {"topped_up_duplicates", b.topped_up_duplicates}};
  return sel;
}

}  // namespace xmas::select
