#include "xmas/select/select.h"

#include <algorithm>

#include "xmas/select/controls.h"
#include "xmas/select/methods.h"
#include "xmas/select/output.h"
#include "xmas/select/stopwatch.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::select {

const std::vector<std::string>& MethodNames() {
  static const std::vector<std::string> names = {"xmas", "random", "s2l", "el2n", "perplexity",
                                                 "clip-score", "semdedup", "d2-pruning", "coincide",
                                                 "oracle", "anti"};
  return names;
}

Result<Selection> Select(const data::Dataset& dataset, const SelectOptions& o) {
  return Select(data::DatasetIndex::Of(dataset), o);
}

Result<Selection> Select(const data::DatasetIndex& dataset, const SelectOptions& o) {
  const auto& names = MethodNames();
  if (std::find(names.begin(), names.end(), o.method) == names.end()) {
    return Status::Usage("--method '" + o.method + "': unknown method");
  }
  if (o.compat == Compat::kOfficial && o.method != "xmas" && o.method != "s2l") {
    return Status::Usage("--compat official applies to --method xmas and s2l only");
  }
  Result<Selection> sel = o.method == "xmas" || o.method == "s2l"
                              ? SelectByTrajectories(dataset, o, o.method == "s2l")
                          : IsTruthControl(o.method) ? SelectTruthControl(dataset, o)
                                                     : SelectBaseline(dataset, o);
  if (!sel.ok()) return sel;
  if (sel->budget > sel->population) {
    return Status::Usage("--budget " + o.budget.text + ": " + std::to_string(sel->budget) +
                         " examples asked, the data has " + std::to_string(sel->population));
  }
  return sel;
}

Status RunSelect(const SelectOptions& o) {
  if (o.output.empty()) return Status::Usage("-o/--output is required");
  std::string report = o.report;
  if (report.empty()) {
    report = o.output;
    if (report.size() > 5 && report.compare(report.size() - 5, 5, ".json") == 0) report.resize(report.size() - 5);
    report += ".report.json";
  }
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
  XMAS_ASSIGN_OR_RETURN(Selection sel, Select(ds, o));
  watch.Lap("select", &timings);
  if (!o.truth.empty()) {
    XMAS_ASSIGN_OR_RETURN(Truth truth, LoadTruthFor(o.truth, ds));
    sel.truth_metrics = TruthMetricsJson(ComputeTruthMetrics(truth, sel.chosen), o.truth);
  }

  const bool sampling_order = o.order == OutputOrder::kSampling ||
                              (o.order == OutputOrder::kAuto && o.compat == Compat::kOfficial);
  std::vector<size_t> order = sel.chosen;
  if (!sampling_order) std::sort(order.begin(), order.end());
  XMAS_RETURN_IF_ERROR(WriteSubsetFile(ds, order, o.output, o.official_format));
  if (!o.write_official_dir.empty()) {
    if (sel.official_keys.empty()) {
      return Status::Usage("--write-official needs --method xmas or s2l");
    }
    const bool loss = o.method == "s2l";
    const int k = o.top_k > 0 ? o.top_k : 5;
    XMAS_RETURN_IF_ERROR(WriteOfficialFiles(sel, o.write_official_dir, loss ? "loss" : "attn_svd", k));
  }
  watch.Lap("write", &timings);
  sel.timings.insert(sel.timings.begin(), timings.begin(), timings.end());
  XMAS_RETURN_IF_ERROR(WriteReport(ds, o, sel, report));
  log::Info("selected ", sel.chosen.size(), " of ", ds.size(), " examples (", sel.method, ") -> ",
            o.output, "; report ", report);
  return Status::Ok();
}

}  // namespace xmas::select
