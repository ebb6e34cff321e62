// Baselines (docs/method.md, Baselines): random, el2n, perplexity,
// clip-score, and the shared helpers; semdedup, d2-pruning and coincide live
// in their own files.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "xmas/select/baseline_util.h"
#include "xmas/select/kmeans.h"
#include "xmas/select/methods.h"
#include "xmas/select/rng.h"
#include "xmas/select/trajectory_source.h"

namespace xmas::select {

Result<RecordFeatures> RecordFeatures::Open(const MethodInput& in) {
  const data::DatasetIndex& ds = in.dataset;
  const std::string& dir = in.options.trajectories;
  if (!xmas::store::Store::IsStore(dir)) {
    return Status::NotFound(dir + ": baselines read a feature store (manifest.json); none found");
  }
  RecordFeatures f;
  XMAS_ASSIGN_OR_RETURN(f.store_, xmas::store::Store::Open(dir));
  Trajectories keys;  // rows only, to reuse MatchRows' checks
  for (size_t i = 0; i < f.store_.size(); ++i) keys.keys.Insert(f.store_.id(i));
  keys.valid = f.store_.valid();
  XMAS_ASSIGN_OR_RETURN(std::vector<size_t> record_of_row, MatchRows(keys, ds, dir));
  f.row_of_record_.assign(ds.size(), SIZE_MAX);
  for (size_t r = 0; r < record_of_row.size(); ++r) f.row_of_record_[record_of_row[r]] = r;
  f.valid_.assign(ds.size(), 0);
  for (size_t i = 0; i < ds.size(); ++i) {
    if (f.row_of_record_[i] == SIZE_MAX) {
      return Status::InvalidInput(ds.Where(i) + ": field 'unique_idx': no row in " + dir +
                                  " (baselines need every record in the store)");
    }
    f.valid_[i] = f.store_.valid()[f.row_of_record_[i]];
  }
  return f;
}

Result<xmas::store::FeatureMatrix> RecordFeatures::Get(const std::string& name, const std::string& method) const {
  auto info = store_.Info(name);
  if (!info.ok()) {
    return Status::NotFound("--method " + method + " needs feature '" + name + "': " + info.status().message());
  }
  Result<xmas::store::FeatureMatrix> m = info->per_checkpoint
                                      ? store_.ReadCheckpoint(name, info->files.rbegin()->first)
                                      : store_.ReadStatic(name);
  if (!m.ok()) return m;
  xmas::store::FeatureMatrix out;
  out.rows = row_of_record_.size();
  out.cols = m->cols;
  out.values.resize(out.rows * out.cols);
  for (size_t i = 0; i < out.rows; ++i) {
    std::copy(m->row(row_of_record_[i]), m->row(row_of_record_[i]) + out.cols, out.values.begin() + i * out.cols);
  }
  return out;
}

Result<std::vector<size_t>> ScoreBand(const std::vector<double>& score, size_t budget,
                                      const std::string& band) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto nan_last = std::stable_partition(order.begin(), order.end(),
                                        [&](size_t i) { return !std::isnan(score[i]); });
  std::stable_sort(order.begin(), nan_last, [&](size_t a, size_t b) { return score[a] < score[b]; });
  const size_t scored = nan_last - order.begin();
  size_t start;
  if (band == "low") {
    start = 0;
  } else if (band == "high") {
    start = scored >= budget ? scored - budget : 0;
  } else if (band == "middle") {
    start = scored >= budget ? (scored - budget) / 2 : 0;
  } else {
    return Status::Usage("--band '" + band + "': expected low, middle or high");
  }
  return std::vector<size_t>(order.begin() + start, order.begin() + start + budget);
}

void NormalizeRows(xmas::store::FeatureMatrix* m) {
  for (size_t i = 0; i < m->rows; ++i) {
    float* r = m->values.data() + i * m->cols;
    const double norm = std::sqrt(static_cast<double>(Dot(r, r, m->cols)));
    if (norm > 0) {
      for (size_t c = 0; c < m->cols; ++c) r[c] = static_cast<float>(r[c] / norm);
    }
  }
}

void CentreRows(xmas::store::FeatureMatrix* m) {
  std::vector<double> mean(m->cols, 0.0);
  std::vector<uint8_t> nonzero(m->rows, 0);
  size_t n = 0;
  for (size_t i = 0; i < m->rows; ++i) {
    const float* r = m->row(i);
    nonzero[i] = std::any_of(r, r + m->cols, [](float v) { return v != 0.f; });
    if (!nonzero[i]) continue;
    ++n;
    for (size_t c = 0; c < m->cols; ++c) mean[c] += r[c];
  }
  for (size_t i = 0; i < m->rows && n > 0; ++i) {
    if (!nonzero[i]) continue;
    float* r = m->values.data() + i * m->cols;
    for (size_t c = 0; c < m->cols; ++c) r[c] = static_cast<float>(r[c] - mean[c] / static_cast<double>(n));
  }
}

void PrepareEmbedding(xmas::store::FeatureMatrix* m, const SelectOptions& o) {
  if (o.embed_norm == EmbedNorm::kCentred) CentreRows(m);
  NormalizeRows(m);
}

float Dot(const float* a, const float* b, size_t d) {
  float s = 0.f;
  for (size_t j = 0; j < d; ++j) s += a[j] * b[j];
  return s;
}

Result<SphericalClusters> SphericalKMeans(const xmas::store::FeatureMatrix& m, const SelectOptions& o, size_t budget) {
  const KMeansOptions ko = KMeansFor(o, m.rows, budget);
  XMAS_ASSIGN_OR_RETURN(KMeansResult r, KMeans(m.values.data(), m.rows, m.cols, ko));
  xmas::store::FeatureMatrix c;
  c.rows = static_cast<size_t>(ko.k);
  c.cols = m.cols;
  c.values = std::move(r.centroids);
  NormalizeRows(&c);
  return SphericalClusters{ko.k, std::move(r.assignment), std::move(c.values)};
}

Selection FlatSelection(const MethodInput& in, std::vector<size_t> chosen) {
  Selection s;
  s.method = in.options.method;
  s.population = in.dataset.size();
  s.budget = chosen.size();
  s.chosen = std::move(chosen);
  return s;
}

namespace {

// One score per record from a scalar feature (exp for perplexity).
Result<std::vector<double>> Scores(const RecordFeatures& f, const std::string& name, const std::string& method,
                                   bool exponentiate) {
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix m, f.Get(name, method));
  if (m.cols != 1) return Status::InvalidInput("feature '" + name + "': expected one value per example");
  std::vector<double> s(m.rows);
  for (size_t i = 0; i < m.rows; ++i) s[i] = exponentiate ? std::exp(m.values[i]) : m.values[i];
  return s;
}

Result<std::vector<double>> ClipScores(const RecordFeatures& f, const SelectOptions& o) {
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix img, f.Get(xmas::store::feature::kImageEmbed, o.method));
  XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix txt, f.Get(xmas::store::feature::kTextEmbed, o.method));
  if (img.cols != txt.cols) return Status::InvalidInput("image_embed and text_embed differ in width");
  for (size_t i = 0; i < img.rows; ++i) {  // text-only rows: no score, so out of the means
    if (f.valid()[i]) continue;
    std::fill(img.values.begin() + i * img.cols, img.values.begin() + (i + 1) * img.cols, 0.f);
    std::fill(txt.values.begin() + i * txt.cols, txt.values.begin() + (i + 1) * txt.cols, 0.f);
  }
  PrepareEmbedding(&img, o);
  PrepareEmbedding(&txt, o);
  std::vector<double> s(img.rows);
  for (size_t i = 0; i < img.rows; ++i) {
    // Negated so the band "low" means the best aligned; text-only never first.
    s[i] = f.valid()[i] ? -static_cast<double>(Dot(img.row(i), txt.row(i), img.cols))
                        : std::numeric_limits<double>::quiet_NaN();
  }
  return s;
}

// A band of one score per record; `band` is the method's default band.
Result<Selection> SelectBand(const MethodInput& in, const Result<std::vector<double>>& scores, const char* band) {
  if (!scores.ok()) return scores.status();
  const std::string chosen_band = !in.options.band.empty() ? in.options.band : band;
  XMAS_ASSIGN_OR_RETURN(std::vector<size_t> chosen, ScoreBand(scores.value(), in.budget, chosen_band));
  Selection s = FlatSelection(in, std::move(chosen));
  s.details = {{"band", chosen_band}};
  return s;
}

}  // namespace

Result<Selection> SelectRandom(const MethodInput& in) {
  std::vector<size_t> all(in.dataset.size());
  std::iota(all.begin(), all.end(), size_t{0});
  Rng rng(in.options.seed);
  rng.SampleToFront(&all, in.budget);
  all.resize(in.budget);
  return FlatSelection(in, std::move(all));
}

Result<Selection> SelectEl2n(const MethodInput& in) {
  XMAS_ASSIGN_OR_RETURN(RecordFeatures f, RecordFeatures::Open(in));
  return SelectBand(in, Scores(f, xmas::store::feature::kEl2n, in.options.method, false), "high");
}

Result<Selection> SelectPerplexity(const MethodInput& in) {
  XMAS_ASSIGN_OR_RETURN(RecordFeatures f, RecordFeatures::Open(in));
  const char* name = f.Has(xmas::store::feature::kNll) ? xmas::store::feature::kNll : xmas::store::feature::kLoss;
  return SelectBand(in, Scores(f, name, in.options.method, true), "middle");
}

Result<Selection> SelectClipScore(const MethodInput& in) {
  XMAS_ASSIGN_OR_RETURN(RecordFeatures f, RecordFeatures::Open(in));
  return SelectBand(in, ClipScores(f, in.options), "low");
}

}  // namespace xmas::select
