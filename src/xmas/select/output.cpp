#include "xmas/select/output.h"

#include <map>

#include "xmas/data/record_writer.h"
#include "xmas/select/python_json.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"

namespace xmas::select {
using nlohmann::json;

Status WriteSubsetFile(const data::DatasetIndex& ds, const std::vector<size_t>& order,
                       const std::string& path, bool python_format) {
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(path, {ds.path()}));
  AtomicFile out;
  XMAS_RETURN_IF_ERROR(out.Open(path));
  if (!python_format) {  // byte for byte, in the input's container (data::WriteSubset's layout)
    data::RecordWriter writer(ds.format().container);
    XMAS_RETURN_IF_ERROR(ds.ForEachRaw(order, [&](size_t, std::string_view raw) { return writer.Add(raw, &out); }));
    XMAS_RETURN_IF_ERROR(writer.Finish(&out));
    return out.Commit();
  }
  std::string chunk = order.empty() ? "[]" : "[";
  bool first = true;
  XMAS_RETURN_IF_ERROR(ds.ForEachRaw(order, [&](size_t i, std::string_view raw) {
    chunk += first ? "\n    " : ",\n    ";
    XMAS_RETURN_IF_ERROR(AppendPythonRecord(raw, ds.Where(i), &chunk));
    first = false;
    if (chunk.size() >= (1u << 20)) {
      XMAS_RETURN_IF_ERROR(out.Write(chunk));
      chunk.clear();
    }
    return Status::Ok();
  }));
  if (!order.empty()) chunk += "\n]";
  XMAS_RETURN_IF_ERROR(out.Write(chunk));
  return out.Commit();
}

Status WriteOfficialFiles(const Selection& s, const std::string& dir, const std::string& metric,
                          int top_k) {
  XMAS_RETURN_IF_ERROR(PrepareOutputDir(dir, true));
  std::string clusters = "{", stability = "{";
  for (size_t r = 0; r < s.official_keys.size(); ++r) {
    const char* sep = r == 0 ? "\n" : ",\n";
    clusters += sep;
    clusters += "    ";
    AppendPythonString(s.official_keys[r], &clusters);
    clusters += ": " + std::to_string(s.official_cluster[r]);
    stability += sep;
    stability += "  ";
    AppendPythonString(s.official_keys[r], &stability);
    stability += ": " + PythonFloatRepr(s.official_stability[r]);
  }
  clusters += s.official_keys.empty() ? "}" : "\n}";
  stability += s.official_keys.empty() ? "}" : "\n}";
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + files::OfficialClusterFile(metric), clusters));
  return WriteFileAtomic(dir + "/" + files::OfficialStabilityFile(metric, top_k), stability);
}

namespace {

json Composition(const data::DatasetIndex& ds, const std::vector<size_t>& chosen) {
  std::map<std::string, std::pair<size_t, size_t>> by_source;  // full, chosen
  for (size_t i = 0; i < ds.size(); ++i) ++by_source[ds.source(i)].first;
  for (size_t i : chosen) ++by_source[ds.source(i)].second;
  json out = json::object();
  for (const auto& [source, counts] : by_source) {
    const double full = ds.size() ? 100.0 * counts.first / ds.size() : 0;
    const double sub = chosen.empty() ? 0 : 100.0 * counts.second / chosen.size();
    out[source] = {{"full", counts.first}, {"subset", counts.second},
                   {"full_percent", full}, {"subset_percent", sub}};
  }
  return out;
}

json Visits(const std::vector<ClusterVisit>& visits) {
  json out = json::array();
  for (const auto& v : visits) {
    out.push_back({{"cluster", v.cluster}, {"size", v.size}, {"quota", v.quota}, {"taken", v.taken},
                   {"skipped", v.skipped}});
  }
  return out;
}

}  // namespace

Status WriteReport(const data::DatasetIndex& ds, const SelectOptions& o, const Selection& s,
                   const std::string& path) {
  json r;
  r["method"] = s.method;
  r["compat"] = NameOf(kCompatNames, o.compat);
  r["data"] = o.data;
  r["trajectories"] = o.trajectories;
  r["output"] = o.output;
  r["budget"] = {{"requested", o.budget.text}, {"population", s.population},
                 {"examples", s.budget}, {"chosen", s.chosen.size()}, {"topped_up", s.topped_up}};
  r["settings"] = {{"seed", o.seed}, {"clusters", o.clusters}, {"iterations", o.kmeans.iterations}, {"tolerance", o.kmeans.tolerance},
                   {"top_k", o.top_k}, {"keep_all_k", o.keep_all_k},
                   {"standardize", o.standardize}, {"official_format", o.official_format},
                   {"normalize", NameOf(kNormalizeNames, o.normalize)}, {"dedup", NameOf(kDedupNames, o.dedup)},
                   {"text_share", o.text_share},
                   {"within", NameOf(kWithinNames, o.within)}, {"embeddings", NameOf(kEmbedNormNames, o.embed_norm)}};
  r["details"] = s.details;
  json ids = json::array();
  for (size_t i : s.chosen) ids.push_back(ds.id(i));
  r["chosen_ids"] = ids;
  json chosen_idx = json::array();
  for (size_t i : s.chosen) chosen_idx.push_back(i);
  r["chosen_indices"] = chosen_idx;
  if (!s.cluster_of.empty()) r["cluster_of_example"] = s.cluster_of;
  r["clusters_visited"] = Visits(s.visits);
  r["clusters_dropped"] = Visits(s.dropped);
  r["composition_by_source"] = Composition(ds, s.chosen);
  if (!s.truth_metrics.is_null()) r["truth_metrics"] = s.truth_metrics;
  if (!s.diagnostics.is_null()) r["feature_diagnostics"] = s.diagnostics;
  if (!s.explain.is_null()) r["explain"] = s.explain;
  json timings = json::object(), cpu = json::object();
  for (const auto& [stage, seconds] : s.timings) {
    if (stage.rfind("cpu:", 0) == 0) {
      cpu[stage.substr(4)] = seconds;
    } else {
      timings[stage] = seconds;
    }
  }
  r["timings_seconds"] = timings;
  r["cpu_seconds"] = cpu;  // all threads; beside the wall times for loaded machines
  return WriteFileAtomic(path, r.dump() + "\n");  // compact: 665k-entry arrays
}

}  // namespace xmas::select
