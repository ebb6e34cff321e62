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
#include "xmas/util/status.h"

namespace xmas::select {

enum class Compat { kDefault, kOfficial };
enum class Within { kStability, kRandom, kCentroid };
enum class OutputOrder { kAuto, kDataset, kSampling };

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
  // k-means: 0 clusters = DefaultClusterCount (official: 1000).
  int clusters = 0;
  int iterations = 100;     // at most; default mode stops earlier on convergence:
  double tolerance = 3e-4;  // stop when an iteration improves the k-means objective by
                            // less than this fraction (0: run until no assignment
                            // changes, up to `iterations`); official mode ignores it
  uint64_t seed = 1234;     // k-means and every random choice
  Within within = Within::kStability;
  OutputOrder order = OutputOrder::kAuto;  // auto: dataset order; official: sampling order
  std::string write_official_dir;  // also write the authors' cluster/stability files here
  bool official_format = false;    // write the subset as json.dump(indent=4) does
  int threads = 0;                 // 0 = all cores
  // Baseline knobs (SPEC §5).
  std::string band = "";     // el2n / perplexity: "low", "middle", "high" ("" = method default)
  double semdedup_eps = 0.05;
  int knn = 10;              // d2-pruning
  double gamma = 1.0;        // d2-pruning
  double temperature = 0.1;  // coincide
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
  // Official files (xmas/s2l, filled only when write_official_dir is set):
  // unique_idx order, cluster, stability.
  std::vector<std::string> official_keys;
  std::vector<int64_t> official_cluster;
  std::vector<double> official_stability;
};

// Runs the chosen method; writes nothing. Selection needs only the records'
// keys, sources and image flags: RunSelect indexes the file with
// data::DatasetIndex (a fraction of Dataset::Load's memory); the Dataset
// overload indexes an already loaded dataset.
Result<Selection> Select(const data::DatasetIndex& dataset, const SelectOptions& options);
Result<Selection> Select(const data::Dataset& dataset, const SelectOptions& options);

// The whole command: load, select, write the subset, the report and (if
// asked) the authors' cluster/stability files.
Status RunSelect(const SelectOptions& options);

// Method names accepted by --method.
const std::vector<std::string>& MethodNames();

}  // namespace xmas::select
