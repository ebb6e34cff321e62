// `xmas select`: choose a subset of a LLaVA dataset with XMAS or a baseline.
//
//   XMAS_ASSIGN_OR_RETURN(auto ds, data::DatasetIndex::Load(opts.data));
//   XMAS_ASSIGN_OR_RETURN(Selection sel, Select(ds, opts));   // pure, no files written
//   XMAS_RETURN_IF_ERROR(RunSelect(opts));                     // the whole command
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/data/dataset.h"
#include "xmas/data/dataset_index.h"
#include "xmas/select/balanced.h"
#include "xmas/select/budget.h"
#include "xmas/select/kmeans.h"
#include "xmas/select/trajectories.h"
#include "xmas/util/enum_names.h"
#include "xmas/util/status.h"

namespace xmas::select {

// default, or official: reproduce the authors' scripts exactly.
enum class Compat { kDefault, kOfficial };
// The order inside a cluster: by stability (most stable first, the paper),
// at random, nearest the centroid first, or stratified over the stability
// range (every prefix spreads evenly over the cluster's stability ranks).
enum class Within { kStability, kRandom, kCentroid, kStratified };
// Duplicate-aware sampling (xmas, default mode): none; key = records whose
// unique_idx differ only in the authors' "#n" suffix (same id and image);
// trajectory = those, and records with equal trajectories (relative 1e-4).
enum class Dedup { kNone, kKey, kTrajectory };
// Baseline embeddings (semdedup, d2-pruning, coincide, clip-score): raw, or
// centred on the dataset's mean before the unit scaling (docs/method.md §5).
enum class EmbedNorm { kRaw, kCentred };
// The subset's order: auto (dataset order; official: sampling order), dataset, sampling.
enum class OutputOrder { kAuto, kDataset, kSampling };

inline constexpr EnumName<Compat> kCompatNames[] = {{Compat::kDefault, "default"}, {Compat::kOfficial, "official"}};
inline constexpr EnumName<Within> kWithinNames[] = {
    {Within::kStability, "stability"}, {Within::kRandom, "random"}, {Within::kCentroid, "centroid"},
    {Within::kStratified, "stratified"}};
inline constexpr EnumName<Normalize> kNormalizeNames[] = {
    {Normalize::kNone, "none"}, {Normalize::kShape, "shape"}, {Normalize::kResidual, "residual"}};
inline constexpr EnumName<Dedup> kDedupNames[] = {
    {Dedup::kNone, "none"}, {Dedup::kKey, "key"}, {Dedup::kTrajectory, "trajectory"}};
inline constexpr EnumName<EmbedNorm> kEmbedNormNames[] = {{EmbedNorm::kRaw, "raw"}, {EmbedNorm::kCentred, "centred"}};
inline constexpr EnumName<OutputOrder> kOutputOrderNames[] = {
    {OutputOrder::kAuto, "auto"}, {OutputOrder::kDataset, "dataset"}, {OutputOrder::kSampling, "sampling"}};

struct SelectOptions {
  std::string trajectories;  // a feature store or a folder of the authors' JSON files
  std::string data;          // LLaVA JSON
  std::string output;        // subset JSON
  std::string report;        // "" = <output without .json>.report.json
  Budget budget;
  std::string method = "xmas";
  Compat compat = Compat::kDefault;
  // Features (xmas): Σ top-k per checkpoint, or all k values; z-scoring.
  bool keep_all_k = false;
  bool standardize = false;
  int top_k = 0;            // 0 = from the files / store
  // xmas, default mode (official: always none / none): the trajectory
  // normalisation (trajectories.h) and the duplicate-aware sampling.
  Normalize normalize = Normalize::kResidual;
  Dedup dedup = Dedup::kTrajectory;
  // The text-only examples' quota: their share of the data (true), or that
  // of one cluster among the image clusters, as the authors (false).
  bool text_share = true;
  // k-means clusters of every method that clusters (xmas, s2l, semdedup,
  // coincide); 0 = DefaultClusters (official: 1000).
  int clusters = 0;
  // The k-means settings those methods share (kmeans.h documents them and
  // their defaults: iterations, tolerance, max_points_per_centroid).
  // KMeansFor fills in k, seed, threads and the engine from `clusters`,
  // `seed`, `threads` and `compat`; official mode ignores the tolerance.
  KMeansOptions kmeans;
  uint64_t seed = 1234;     // k-means and every random choice
  Within within = Within::kStratified;
  OutputOrder order = OutputOrder::kAuto;  // auto: dataset order; official: sampling order
  std::string write_official_dir;  // also write the authors' cluster/stability files here
  bool official_format = false;    // write the subset as json.dump(indent=4) does
  int threads = 0;                 // 0 = all cores
  // Baseline knobs (docs/method.md §5).
  std::string band = "";     // el2n / perplexity: "low", "middle", "high" ("" = method default)
  double semdedup_eps = 0.05;
  int knn = 10;              // d2-pruning
  double gamma = 1.0;        // d2-pruning
  double temperature = 0.1;  // coincide
  EmbedNorm embed_norm = EmbedNorm::kCentred;
  // Ground truth (truth.h): adds "truth_metrics" to the report and enables
  // the control methods oracle and anti (controls.h). "" = none.
  std::string truth;
  // Report and print the per-cluster view (explain.h).
  bool explain = false;
  // Keep the clustered features in Selection::features (RunSelect sets it
  // with a truth file, for the diagnostics of explain.h).
  bool keep_features = false;
};

struct Selection {
  std::string method;
  size_t population = 0;               // examples the budget is a share of
  size_t budget = 0;
  std::vector<size_t> chosen;          // dataset record indices, in sampling order
  std::vector<int64_t> cluster_of;     // per record; -1 = the method has no clusters
  std::vector<ClusterVisit> visits;    // clusters in visit order, with quotas
  std::vector<ClusterVisit> dropped;   // clusters too small to sample
  size_t topped_up = 0;
  nlohmann::json details = nlohmann::json::object();  // method settings and statistics
  std::vector<std::pair<std::string, double>> timings;  // stage → wall s; "cpu:stage" → CPU s
  nlohmann::json truth_metrics;        // null unless options.truth is set (RunSelect)
  // Per record, when options.keep_features: the feature_cols values k-means
  // clustered (NaN for records it did not cluster) and the raw trajectory's
  // mean (its magnitude; NaN likewise). xmas and s2l only.
  size_t feature_cols = 0;
  std::vector<float> features;
  std::vector<double> magnitude;
  nlohmann::json explain;      // null unless options.explain (RunSelect; explain.h)
  nlohmann::json diagnostics;  // null unless a truth file and kept features (RunSelect)
  // Official files (xmas/s2l, filled only when write_official_dir is set):
  // unique_idx order, cluster, stability.
  std::vector<std::string> official_keys;
  std::vector<int64_t> official_cluster;
  std::vector<double> official_stability;
};

// Runs the chosen method (methods.h); writes nothing. The method, its mode,
// --trajectories and the budget (at most the dataset's records) are checked
// before any work. Selection needs only the records' keys, sources and image
// flags: RunSelect indexes the file with
// data::DatasetIndex (a fraction of Dataset::Load's memory); the Dataset
// overload indexes an already loaded dataset.
Result<Selection> Select(const data::DatasetIndex& dataset, const SelectOptions& options);
Result<Selection> Select(const data::Dataset& dataset, const SelectOptions& options);

// The whole command: load, select, write the subset, the report and (if
// asked) the authors' cluster/stability files.
Status RunSelect(const SelectOptions& options);

// Where RunSelect writes the report: options.report, or else the output
// path without ".json", plus ".report.json".
std::string ReportPath(const SelectOptions& options);

// The settings as a user names them, for the CLI and the Python module
// alike. "" keeps SelectOptions' value (compat, features, order,
// embeddings) or leaves the choice to the mode (within, normalize, dedup,
// text_quota: official mode fixes the authors' recipe -- stability, none,
// none -- and refuses any other; default mode keeps SelectOptions').
struct NamedSettings {
  std::string compat, features, order, embeddings;
  std::string within, normalize, dedup, text_quota;
};
// Parses `names` into `options` (after options.standardize is set); a usage
// error naming the flag for an unknown name or an official-mode conflict.
Status ApplyNamedSettings(const NamedSettings& names, SelectOptions* options);

// Sets the option `key` of an experiment's selection.extra ("band",
// "semdedup_eps", "knn", "gamma", "temperature", "iterations", "tolerance",
// "standardize"); a usage error "unknown option or wrong type" otherwise.
Status SetOptionFromJson(const std::string& key, const nlohmann::json& value, SelectOptions* options);

// The default cluster count of the default mode for `rows` rows and a budget
// of `budget` examples (0 = unknown): round(√(rows/2)), at most budget/20
// (every cluster's quota ~20 picks), in [2, 1000] and at most rows.
int DefaultClusters(size_t rows, size_t budget);

// The k-means run every clustering method makes on `rows` rows:
// options.kmeans with k = options.clusters (0: DefaultClusters(rows, budget);
// official: 1000), options' seed and threads, and the engine of the mode
// (official: kFaiss, else kFast).
KMeansOptions KMeansFor(const SelectOptions& options, size_t rows, size_t budget = 0);

}  // namespace xmas::select
