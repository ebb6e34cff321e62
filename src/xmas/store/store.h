// The trajectory/feature store: what the extractor writes and `xmas select`
// reads. Layout and manifest fields are documented in docs/formats.md.
//
//   <dir>/manifest.json          format, version, N, steps, k, features, settings
//   <dir>/ids.txt                N lines: the unique_idx of every row, in row order
//   <dir>/valid.npy              int32 [N]: 1 = the row has cross-modal values,
//                                0 = text-only (no image; its svd rows are zeros)
//   <dir>/<feature>/checkpoint-<step>.npy   per-checkpoint feature, float32 [N] or [N, D]
//   <dir>/<feature>.npy                     static feature, float32 [N] or [N, D]
//
// NaN is never a marker: a row without a value is marked in valid.npy, and a
// NaN found in a feature file is an error naming the file, row and id.
// The manifest is written last, so a directory without one is an unfinished
// store and is refused.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/util/status.h"

namespace xmas::store {

constexpr int kStoreVersion = 1;
constexpr char kStoreFormat[] = "xmas-trajectory-store";

// Well-known feature names (readers look these up; writers may add others).
namespace feature {
constexpr char kSvd[] = "svd";              // per checkpoint [N, k], singular values, descending
constexpr char kLoss[] = "loss";            // per checkpoint [N], mean answer-token NLL
constexpr char kEl2n[] = "el2n";            // static or per checkpoint [N]
constexpr char kNll[] = "nll";              // static [N], reference model's mean answer NLL
constexpr char kEmbed[] = "embed";          // static [N, D], example embedding
constexpr char kImageEmbed[] = "image_embed";  // static [N, D], image side (CLIP-score)
constexpr char kTextEmbed[] = "text_embed";    // static [N, D], text side (CLIP-score)
constexpr char kCoincideImage[] = "coincide_image";  // static [N, D1], COINCIDE image part
constexpr char kCoincideText[] = "coincide_text";    // static [N, D2], COINCIDE text part
}  // namespace feature

struct FeatureInfo {
  std::string name;
  bool per_checkpoint = false;
  int64_t cols = -1;                    // -1: one value per row ([N])
  std::map<int64_t, std::string> files;  // step -> relative path (per checkpoint)
  std::string file;                      // relative path (static)
};

// A float32 feature matrix read from the store.
struct FeatureMatrix {
  size_t rows = 0;
  size_t cols = 1;
  std::vector<float> values;  // rows × cols
  const float* row(size_t i) const { return values.data() + i * cols; }
};

class StoreWriter {
 public:
  // Starts a store in `dir` (created; must be empty unless `overwrite`).
  // ids must be unique and free of line breaks; valid has one entry per id.
  static Result<StoreWriter> Create(const std::string& dir, std::vector<std::string> ids,
                                    std::vector<uint8_t> valid, bool overwrite = false);

  // Adds one checkpoint of a per-checkpoint feature: rows × cols floats
  // (cols < 0 for a vector). All steps of a feature must share cols.
  Status AddCheckpoint(const std::string& name, int64_t step, const float* values, int64_t cols);
  // Adds a feature with one value (or vector) per example.
  Status AddStatic(const std::string& name, const float* values, int64_t cols);
  // Free-form provenance (extraction mode, model, layers, dataset path, ...).
  void SetSetting(const std::string& key, nlohmann::json value) { settings_[key] = std::move(value); }
  // Top-k recorded for the svd feature (0 = unknown).
  void SetTopK(int k) { top_k_ = k; }
  // Writes manifest.json; until then the store is incomplete.
  Status Finish();

 private:
  StoreWriter() = default;
  Status CheckValues(const std::string& file, const float* values, int64_t cols) const;
  std::string dir_;
  std::vector<std::string> ids_;
  std::map<std::string, FeatureInfo> features_;
  nlohmann::json settings_ = nlohmann::json::object();
  int top_k_ = 0;
};

class Store {
 public:
  // Opens and validates the manifest, ids and mask (features are read on demand).
  static Result<Store> Open(const std::string& dir);
  // True if `dir` holds a manifest.json of this format.
  static bool IsStore(const std::string& dir);

  const std::string& dir() const { return dir_; }
  size_t size() const { return offsets_.size() - 1; }
  std::string_view id(size_t row) const {
    return std::string_view(ids_).substr(offsets_[row], offsets_[row + 1] - offsets_[row] - 1);
  }
  const std::vector<uint8_t>& valid() const { return valid_; }
  int top_k() const { return top_k_; }
  const nlohmann::json& settings() const { return settings_; }

  bool Has(const std::string& name) const { return features_.count(name) != 0; }
  // NotFound naming the store and listing what it has.
  Result<FeatureInfo> Info(const std::string& name) const;
  // Steps of a per-checkpoint feature, ascending.
  Result<std::vector<int64_t>> Steps(const std::string& name) const;
  Result<FeatureMatrix> ReadCheckpoint(const std::string& name, int64_t step) const;
  Result<FeatureMatrix> ReadStatic(const std::string& name) const;

 private:
  Result<FeatureMatrix> ReadFile(const std::string& rel, int64_t cols) const;
  std::string dir_;
  std::string ids_;               // ids.txt, each id followed by '\n'
  std::vector<size_t> offsets_;   // start of each id, plus the end
  std::vector<uint8_t> valid_;
  std::map<std::string, FeatureInfo> features_;
  nlohmann::json settings_;
  int top_k_ = 0;
};

}  // namespace xmas::store
