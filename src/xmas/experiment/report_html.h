// The experiment report: ONE self-contained HTML file (inline CSS and SVG, no
// external assets, no JavaScript) that opens anywhere, offline:
//   - the results table (results_table.h);
//   - ARP versus budget, one line per method (seed spread as a band);
//   - relative performance per benchmark, one bar chart per budget;
//   - alignment trajectories of a sample of clusters (mean ± std per checkpoint);
//   - the distribution of cluster sizes;
//   - the composition of each subset by source, next to the full data's;
//   - the time of every step.
// The file is also well-formed XML (polyglot XHTML), so a strict parser can
// check it. Sections whose data is absent (e.g. no trajectories yet) say so instead of
// drawing an empty chart.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "xmas/experiment/results_table.h"

namespace xmas::experiment {

// The trajectories of one cluster: per checkpoint, the mean and the spread
// (mean ± one standard deviation) of its members' values.
struct ClusterCurve {
  int64_t cluster = 0;
  size_t size = 0;
  std::vector<double> mean, lo, hi;
};

// How many examples of each source a set holds ("full data", "xmas 20%", ...).
struct Composition {
  std::string label;
  std::map<std::string, size_t> counts;
};

struct StepTiming {
  std::string step;
  double seconds = 0;
  bool cached = false;  // reused from an earlier run (seconds are that run's)
};

struct ReportData {
  std::string title;
  std::string subtitle;         // e.g. the config path and date
  std::string config_json;      // shown verbatim in a <pre>
  bool has_results = false;
  ResultsTable table;
  std::vector<int64_t> checkpoint_steps;   // x axis of the trajectory curves
  std::vector<ClusterCurve> clusters;      // a sample of clusters
  std::vector<size_t> cluster_sizes;       // every cluster's size
  std::vector<Composition> compositions;   // the full data first
  std::vector<StepTiming> timings;
  std::vector<std::string> notes;          // shown at the top (missing parts, warnings)
};

std::string RenderReportHtml(const ReportData& data);

// Summaries the runner feeds into ReportData (pure functions, tested alone).

// Curves of up to `max_clusters` clusters, chosen evenly across the clusters
// sorted by size (so small and large ones both appear). `values` is N × T
// row-major; rows with cluster < 0 are skipped.
std::vector<ClusterCurve> SampleClusterCurves(const std::vector<float>& values, size_t num_steps,
                                              const std::vector<int64_t>& cluster_of_row,
                                              size_t max_clusters);

// Sizes of every cluster id >= 0 in `cluster_of_row`.
std::vector<size_t> ClusterSizes(const std::vector<int64_t>& cluster_of_row);

}  // namespace xmas::experiment
