// Shared plumbing of the baselines (internal to select/): per-record
// features from the store, score bands, spherical k-means.
#pragma once

#include <string>
#include <vector>

#include "xmas/select/methods.h"
#include "xmas/store/store.h"

namespace xmas::select {

// The store's features re-indexed by dataset record. Every record must have
// a row (the store was built from this dataset).
class RecordFeatures {
 public:
  // The store at input.options.trajectories, for input.dataset.
  static Result<RecordFeatures> Open(const MethodInput& input);
  // A static feature, or the last checkpoint of a per-checkpoint one; rows
  // in dataset order. NotFound naming the store and method if absent.
  Result<xmas::store::FeatureMatrix> Get(const std::string& name, const std::string& method) const;
  bool Has(const std::string& name) const { return store_.Has(name); }
  // 1 if the record has cross-modal (image) features.
  const std::vector<uint8_t>& valid() const { return valid_; }

 private:
  xmas::store::Store store_;
  std::vector<size_t> row_of_record_;
  std::vector<uint8_t> valid_;
};

// Indices of the `budget` records in a band of `score` (ascending order,
// ties by index): "low" (smallest), "high" (largest) or "middle" (centred).
// NaN scores are never chosen unless nothing else is left.
Result<std::vector<size_t>> ScoreBand(const std::vector<double>& score, size_t budget,
                                      const std::string& band);

// Scales every row to unit L2 norm (zero rows stay zero).
void NormalizeRows(xmas::store::FeatureMatrix* m);

// Subtracts the mean of the non-zero rows from each of them (zero rows, e.g.
// the image part of a text-only example, stay zero). Embeddings whose every
// pair has cosine ~0.8 (one shared direction) then differ by what tells them
// apart (docs/method.md §5).
void CentreRows(xmas::store::FeatureMatrix* m);

// The unit rows the embedding baselines compare: CentreRows first when
// options.embed_norm is kCentred, then NormalizeRows.
void PrepareEmbedding(xmas::store::FeatureMatrix* m, const SelectOptions& options);

// Spherical k-means (k-means on unit rows, centroids renormalised) with the
// settings every clustering method shares (KMeansFor).
struct SphericalClusters {
  int k = 0;
  std::vector<int32_t> assignment;  // per row
  std::vector<float> centroids;     // k × cols, unit rows
};
// `budget` sizes the default cluster count (KMeansFor).
Result<SphericalClusters> SphericalKMeans(const xmas::store::FeatureMatrix& m, const SelectOptions& o, size_t budget);

float Dot(const float* a, const float* b, size_t d);

// A Selection with no clusters (chosen in the given order).
Selection FlatSelection(const MethodInput& input, std::vector<size_t> chosen);

}  // namespace xmas::select
