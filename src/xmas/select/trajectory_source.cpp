#include "xmas/select/trajectory_source.h"

#include <algorithm>
#include <functional>

#include "xmas/select/official_json.h"
#include "xmas/store/store.h"
#include "xmas/util/file_names.h"

namespace xmas::select {
namespace {

Result<Trajectories> FromStore(const std::string& dir, const TrajectorySourceOptions& o) {
  XMAS_ASSIGN_OR_RETURN(xmas::store::Store store, xmas::store::Store::Open(dir));
  const std::string name = o.metric == TrajectoryMetric::kSvd ? xmas::store::feature::kSvd : xmas::store::feature::kLoss;
  XMAS_ASSIGN_OR_RETURN(std::vector<int64_t> steps, store.Steps(name));
  const size_t n = store.size();
  Trajectories t;
  t.steps = steps;
  t.keys.Reserve(n, n * 48);
  for (size_t i = 0; i < n; ++i) {
    if (t.keys.Insert(store.id(i)) == KeyTable::kNone) {
      return Status::InvalidInput(dir + "/ids.txt: row " + std::to_string(i) + " (id '" +
                                  std::string(store.id(i)) + "'): duplicate id");
    }
  }
  t.valid = store.valid();
  for (size_t s = 0; s < steps.size(); ++s) {
    XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix m, store.ReadCheckpoint(name, steps[s]));
    const size_t k = o.metric == TrajectoryMetric::kLoss ? 1
                     : o.top_k > 0 ? std::min<size_t>(o.top_k, m.cols) : m.cols;
    if (s == 0) {
      t.dims = o.keep_all && o.metric == TrajectoryMetric::kSvd ? k : 1;
      t.values.assign(n * t.width(), 0.f);
    }
    std::vector<double> row(m.cols);
    for (size_t i = 0; i < n; ++i) {
      float* out = t.values.data() + i * t.width() + s * t.dims;
      row.assign(m.row(i), m.row(i) + m.cols);
      // Singular values are normally stored largest first: sort only if not.
      if (!std::is_sorted(row.begin(), row.end(), std::greater<double>())) {
        std::sort(row.begin(), row.end(), std::greater<double>());
      }
      double sum = 0.0;  // left to right from the largest, as the authors sum
      for (size_t d = 0; d < k; ++d) {
        if (t.dims > 1) out[d] = static_cast<float>(row[d]);
        sum += row[d];
      }
      if (t.dims == 1) out[0] = static_cast<float>(sum);
    }
  }
  return t;
}

}  // namespace

Result<Trajectories> LoadTrajectories(const std::string& dir, const TrajectorySourceOptions& o) {
  if (xmas::store::Store::IsStore(dir)) return FromStore(dir, o);
  OfficialReadOptions ro;
  ro.metric = o.metric == TrajectoryMetric::kSvd ? OfficialMetric::kAttnSvd : OfficialMetric::kLoss;
  ro.top_k = o.top_k;
  ro.keep_all = o.keep_all;
  ro.allow_nan = o.allow_nan;
  ro.expected_rows = o.expected_rows;
  ro.expected_key_bytes = o.expected_key_bytes;
  auto files = ListOfficialFiles(dir, ro.metric);
  if (!files.ok()) {
    return Status::NotFound(dir + ": neither a feature store (manifest.json) nor a folder of the authors' " +
                            (o.metric == TrajectoryMetric::kSvd ? files::kOfficialSvdPattern
                                                                : files::kOfficialLossPattern) + " files");
  }
  return ReadOfficialTrajectories(dir, ro);
}

Result<std::vector<size_t>> MatchRows(const Trajectories& t, const data::DatasetIndex& dataset,
                                      const std::string& dir) {
  const size_t n = t.rows();
  std::vector<size_t> record_of_row(n);
  std::vector<uint8_t> has_row(dataset.size(), 0);
  for (size_t r = 0; r < n; ++r) {
    const std::string_view key = t.keys.key(r);
    size_t rec = r;
    if (r >= dataset.size() || dataset.unique_idx(r) != key) {
      const long found = dataset.FindUniqueIdx(key);
      if (found < 0) {
        return Status::InvalidInput(dir + ": key '" + std::string(key) + "': no record of " +
                                    dataset.path() + " has this unique_idx (extra key)");
      }
      rec = static_cast<size_t>(found);
    }
    if (has_row[rec]) {
      return Status::InvalidInput(dir + ": key '" + std::string(key) + "': two rows for one record");
    }
    if (!t.valid[r] && dataset.has_image(rec)) {
      return Status::InvalidInput(dataset.Where(rec) + ": field 'image': the record has an image but " +
                                  dir + " marks it as having no cross-modal values");
    }
    has_row[rec] = 1;
    record_of_row[r] = rec;
  }
  for (size_t i = 0; i < dataset.size(); ++i) {
    if (!has_row[i] && dataset.has_image(i)) {
      return Status::InvalidInput(dataset.Where(i) + ": field 'unique_idx': no trajectory for '" +
                                  std::string(dataset.unique_idx(i)) + "' in " + dir + " (missing key)");
    }
  }
  return record_of_row;
}

}  // namespace xmas::select
