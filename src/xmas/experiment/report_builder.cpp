#include "xmas/experiment/report_builder.h"

#include <ctime>

#include "xmas/experiment/experiment_config.h"
#include "xmas/store/store.h"
#include "xmas/util/atomic_file.h"

namespace xmas::experiment::internal {
using nlohmann::json;

namespace {

Result<json> ReadSelectionInfo(RunContext* ctx, const SelectionRun& run) {
  std::string path = ctx->Path("select/" + run.tag + "/selection.json");
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return Status::InvalidInput(path + ": not a JSON object");
  return doc;
}

std::map<std::string, size_t> SourceCounts(const data::Dataset& ds, const std::vector<size_t>& rows) {
  std::map<std::string, size_t> counts;
  for (size_t i : rows) {
    if (i < ds.size()) ++counts[ds[i].source];
  }
  return counts;
}

void AddCompositions(const ReportInputs& in, ReportData* d) {
  if (in.dataset == nullptr) return;
  std::vector<size_t> all(in.dataset->size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  d->compositions.push_back({"full data", SourceCounts(*in.dataset, all)});
  bool random_done = false;
  for (const auto& r : *in.runs) {
    if (!r.selected) continue;
    bool wanted = r.method == "xmas" || (r.method == "random" && !random_done);
    if (!wanted) continue;
    auto info = ReadSelectionInfo(in.ctx, r);
    if (!info.ok() || !(*info)["chosen"].is_array()) continue;
    random_done = random_done || r.method == "random";
    d->compositions.push_back({r.tag, SourceCounts(*in.dataset, (*info)["chosen"].get<std::vector<size_t>>())});
  }
}

// Σ top-k singular values per checkpoint, rows in dataset order.
Status ReadTrajectories(const std::string& store_dir, std::vector<float>* values, std::vector<int64_t>* steps) {
  XMAS_ASSIGN_OR_RETURN(xmas::store::Store store, xmas::store::Store::Open(store_dir));
  XMAS_ASSIGN_OR_RETURN(*steps, store.Steps(xmas::store::feature::kSvd));
  size_t n = store.size(), t = steps->size();
  values->assign(n * t, 0.0f);
  for (size_t s = 0; s < t; ++s) {
    XMAS_ASSIGN_OR_RETURN(xmas::store::FeatureMatrix m, store.ReadCheckpoint(xmas::store::feature::kSvd, (*steps)[s]));
    for (size_t i = 0; i < n && i < m.rows; ++i) {
      double sum = 0;
      for (size_t k = 0; k < m.cols; ++k) sum += m.row(i)[k];
      (*values)[i * t + s] = static_cast<float>(sum);
    }
  }
  return Status::Ok();
}

void AddClusters(const ReportInputs& in, ReportData* d) {
  if (!in.has_store) return;
  const SelectionRun* xmas = nullptr;
  for (const auto& r : *in.runs) {
    if (r.method == "xmas" && r.selected && xmas == nullptr) xmas = &r;
  }
  if (xmas == nullptr) return;
  auto info = ReadSelectionInfo(in.ctx, *xmas);
  if (!info.ok() || !info->contains("cluster_of")) {
    d->notes.push_back("no cluster assignment recorded for " + xmas->tag);
    return;
  }
  std::vector<int64_t> cluster = (*info)["cluster_of"].get<std::vector<int64_t>>();
  std::vector<float> values;
  Status st = ReadTrajectories(in.ctx->Path("store"), &values, &d->checkpoint_steps);
  if (!st.ok()) {
    d->notes.push_back("trajectories not shown: " + st.message());
    return;
  }
  d->clusters = SampleClusterCurves(values, d->checkpoint_steps.size(), cluster, 6);
  d->cluster_sizes = ClusterSizes(cluster);
}

std::string Now() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
  return buf;
}

}  // namespace

ReportData BuildReportData(const ReportInputs& in) {
  const ExperimentConfig& c = in.ctx->config();
  ReportData d;
  d.title = "xmas experiment: " + c.name;
  d.subtitle = c.path + " — output " + in.ctx->Path("") + " — written " + Now();
  d.config_json = ConfigToJson(c).dump(2);
  d.notes = in.notes;
  if (in.table != nullptr) {
    d.has_results = true;
    d.table = *in.table;
  }
  AddClusters(in, &d);
  AddCompositions(in, &d);
  for (const auto& s : in.ctx->steps()) d.timings.push_back({s.label, s.stamp.seconds, s.cached});
  return d;
}

}  // namespace xmas::experiment::internal
