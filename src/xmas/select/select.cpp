#include "xmas/select/select.h"

#include <algorithm>
#include <cmath>

#include "xmas/select/explain.h"
#include "xmas/select/kmeans.h"
#include "xmas/select/methods.h"
#include "xmas/select/output.h"
#include "xmas/select/stopwatch.h"
#include "xmas/select/truth.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::select {

int DefaultClusters(size_t rows, size_t budget) {
  double k = std::round(std::sqrt(static_cast<double>(rows) / 2.0));
  if (budget > 0) k = std::min(k, std::floor(static_cast<double>(budget) / 20.0));
  k = std::min(std::max(k, 2.0), 1000.0);
  return static_cast<int>(std::max<double>(1.0, std::min<double>(k, static_cast<double>(rows))));
}

KMeansOptions KMeansFor(const SelectOptions& o, size_t rows, size_t budget) {
  const bool official = o.compat == Compat::kOfficial;
  KMeansOptions k = o.kmeans;
  k.k = o.clusters > 0 ? o.clusters : official ? 1000 : DefaultClusters(rows, budget);
  // Official: FAISS's default seed (faiss::ClusteringParameters::seed), which
  // the authors never change; --seed then seeds only their text-only draw
  // (python_random.h).
  k.seed = official ? 1234 : o.seed;
  k.threads = o.threads;
  k.engine = official ? KMeansEngine::kFaiss : KMeansEngine::kFast;
  return k;
}

namespace {

// Parses `name` into *out; "" keeps *out.
template <typename E, size_t N>
Status ParseInto(const EnumName<E> (&names)[N], const std::string& name, const char* what, E* out) {
  if (name.empty()) return Status::Ok();
  XMAS_ASSIGN_OR_RETURN(*out, ParseEnum(names, name, what));
  return Status::Ok();
}

// A name that must be one of two words ("" = not given).
Status CheckEither(const char* flag, const std::string& value, const char* first, const char* second) {
  if (value.empty() || value == first || value == second) return Status::Ok();
  return Status::Usage(std::string(flag) + ": expected " + first + " or " + second + ", got '" + value + "'");
}

}  // namespace

Status ApplyNamedSettings(const NamedSettings& n, SelectOptions* o) {
  XMAS_RETURN_IF_ERROR(ParseInto(kCompatNames, n.compat, "--compat", &o->compat));
  XMAS_RETURN_IF_ERROR(ParseInto(kOutputOrderNames, n.order, "--order", &o->order));
  XMAS_RETURN_IF_ERROR(ParseInto(kEmbedNormNames, n.embeddings, "--embeddings", &o->embed_norm));
  XMAS_RETURN_IF_ERROR(CheckEither("--features", n.features, "sum", "all"));
  XMAS_RETURN_IF_ERROR(CheckEither("--text-quota", n.text_quota, "share", "cluster"));
  if (!n.features.empty()) o->keep_all_k = n.features == "all";
  if (o->compat == Compat::kOfficial) {
    if (o->keep_all_k || o->standardize || !n.within.empty() || !n.normalize.empty() || !n.dedup.empty() ||
        !n.text_quota.empty()) {
      return Status::Usage("--compat official reproduces the authors' recipe: no --features all, --standardize, "
                           "--within, --normalize, --dedup or --text-quota");
    }
    o->within = Within::kStability;
    o->normalize = Normalize::kNone;
    o->dedup = Dedup::kNone;
    return Status::Ok();
  }
  if (!n.text_quota.empty()) o->text_share = n.text_quota == "share";
  XMAS_RETURN_IF_ERROR(ParseInto(kWithinNames, n.within, "--within", &o->within));
  XMAS_RETURN_IF_ERROR(ParseInto(kNormalizeNames, n.normalize, "--normalize", &o->normalize));
  return ParseInto(kDedupNames, n.dedup, "--dedup", &o->dedup);
}

Status SetOptionFromJson(const std::string& key, const nlohmann::json& v, SelectOptions* o) {
  const bool num = v.is_number();
  if (key == "band" && v.is_string()) o->band = v.get<std::string>();
  else if (key == "semdedup_eps" && num) o->semdedup_eps = v.get<double>();
  else if (key == "knn" && num) o->knn = v.get<int>();
  else if (key == "gamma" && num) o->gamma = v.get<double>();
  else if (key == "temperature" && num) o->temperature = v.get<double>();
  else if (key == "iterations" && num) o->kmeans.iterations = v.get<int>();
  else if (key == "tolerance" && num) o->kmeans.tolerance = v.get<double>();
  else if (key == "standardize" && v.is_boolean()) o->standardize = v.get<bool>();
  else if (key == "text_share" && v.is_boolean()) o->text_share = v.get<bool>();
  else if (key == "normalize" && v.is_string()) {
    return ParseInto(kNormalizeNames, v.get<std::string>(), "normalize", &o->normalize);
  }
  else if (key == "dedup" && v.is_string()) {
    return ParseInto(kDedupNames, v.get<std::string>(), "dedup", &o->dedup);
  }
  else if (key == "within" && v.is_string()) {
    return ParseInto(kWithinNames, v.get<std::string>(), "within", &o->within);
  }
  else if (key == "embeddings" && v.is_string()) {
    return ParseInto(kEmbedNormNames, v.get<std::string>(), "embeddings", &o->embed_norm);
  }
  else return Status::Usage("unknown option or wrong type");
  return Status::Ok();
}

Result<Selection> Select(const data::Dataset& dataset, const SelectOptions& o) {
  return Select(data::DatasetIndex::Of(dataset), o);
}

namespace {

// The method's row, once it is known to fit the other options.
Result<const Method*> CheckMethod(const SelectOptions& o) {
  XMAS_ASSIGN_OR_RETURN(const Method* method, LookUpMethod(o.method));
  if (o.compat == Compat::kOfficial && method->official_metric == nullptr) {
    return Status::Usage("--compat official applies to --method xmas and s2l only");
  }
  if (!o.write_official_dir.empty() && method->official_metric == nullptr) {
    return Status::Usage("--write-official needs --method xmas or s2l");
  }
  if (*method->features != '\0' && o.trajectories.empty()) {
    return Status::Usage("--method " + o.method + " needs --trajectories");
  }
  return method;
}

}  // namespace

Result<Selection> Select(const data::DatasetIndex& dataset, const SelectOptions& o) {
  XMAS_ASSIGN_OR_RETURN(const Method* method, CheckMethod(o));
  const uint64_t budget = o.budget.Resolve(dataset.size());
  if (budget > dataset.size()) {
    return Status::Usage("--budget " + o.budget.text + ": " + std::to_string(budget) +
                         " examples asked, the data has " + std::to_string(dataset.size()));
  }
  return method->run(MethodInput{dataset, o, static_cast<size_t>(budget)});
}

std::string ReportPath(const SelectOptions& o) {
  if (!o.report.empty()) return o.report;
  std::string report = o.output;
  if (report.size() > 5 && report.compare(report.size() - 5, 5, ".json") == 0) report.resize(report.size() - 5);
  return report + ".report.json";
}

Status RunSelect(const SelectOptions& o) {
  if (o.output.empty()) return Status::Usage("-o/--output is required");
  XMAS_ASSIGN_OR_RETURN(const Method* method, CheckMethod(o));
  const std::string report = ReportPath(o);
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.output, {o.data, o.trajectories}));
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(report, {o.data, o.trajectories, o.output}));
  if (!o.truth.empty()) {
    XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.output, {o.truth}));
    XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(report, {o.truth}));
  }
  if (!o.write_official_dir.empty()) {
    XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.write_official_dir, {o.data, o.trajectories}));
  }
  Stopwatch watch;
  std::vector<std::pair<std::string, double>> timings;
  data::LoadOptions lo;
  XMAS_ASSIGN_OR_RETURN(data::DatasetIndex ds, data::DatasetIndex::Load(o.data, lo));
  watch.Lap("read data", &timings);
  SelectOptions with_features = o;
  with_features.keep_features = o.keep_features || !o.truth.empty();
  XMAS_ASSIGN_OR_RETURN(Selection sel, Select(ds, with_features));
  watch.Lap("select", &timings);
  Truth truth;
  if (!o.truth.empty()) {
    XMAS_ASSIGN_OR_RETURN(truth, LoadTruthFor(o.truth, ds));
    sel.truth_metrics = TruthMetricsJson(ComputeTruthMetrics(truth, sel.chosen), o.truth);
    sel.diagnostics = FeatureDiagnostics(sel, truth);
  }
  if (o.explain) sel.explain = ExplainClusters(sel, o.truth.empty() ? nullptr : &truth);

  const bool sampling_order = o.order == OutputOrder::kSampling ||
                              (o.order == OutputOrder::kAuto && o.compat == Compat::kOfficial);
  std::vector<size_t> order = sel.chosen;
  if (!sampling_order) std::sort(order.begin(), order.end());
  XMAS_RETURN_IF_ERROR(WriteSubsetFile(ds, order, o.output, o.official_format));
  if (!o.write_official_dir.empty()) {
    const int k = o.top_k > 0 ? o.top_k : 5;
    XMAS_RETURN_IF_ERROR(WriteOfficialFiles(sel, o.write_official_dir, method->official_metric, k));
  }
  watch.Lap("write", &timings);
  sel.timings.insert(sel.timings.begin(), timings.begin(), timings.end());
  XMAS_RETURN_IF_ERROR(WriteReport(ds, o, sel, report));
  log::Info("selected ", sel.chosen.size(), " of ", ds.size(), " examples (", sel.method, ") -> ",
            o.output, "; report ", report);
  return Status::Ok();
}

}  // namespace xmas::select
