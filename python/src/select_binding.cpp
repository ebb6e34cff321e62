// xmas.select: `xmas select` from Python, on a trajectory folder (a feature
// store or the authors' JSON files) or on NumPy arrays.
//
// Arrays go through the same code path as the CLI: they are written to a
// private temporary feature store (float32, exactly the values given) that
// the library's Select reads, so the numbers are the CLI's by construction.
// Without `data`, the records are made from the arrays (ids, text-only
// mask, optional sources) in memory.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "arrays.h"
#include "bindings.h"
#include "errors.h"
#include "xmas/data/dataset.h"
#include "xmas/data/dataset_index.h"
#include "xmas/select/methods.h"
#include "xmas/select/output.h"
#include "xmas/select/select.h"
#include "xmas/select/stopwatch.h"
#include "xmas/store/store.h"
#include "xmas/util/atomic_file.h"

namespace xmas::python {
namespace {

using select::SelectOptions;
using select::Stopwatch;
using select::Selection;
using Timings = std::vector<std::pair<std::string, double>>;

constexpr char kArrays[] = "<arrays>";

// A folder under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/xmas-python-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw StatusError(Status::IoError(pattern + ": cannot create a temporary folder"));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Trajectories given as arrays: values [N, T] or [N, T, D], row metadata.
struct ArrayInput {
  FloatArray values;
  std::vector<std::string> ids;       // empty: "0".."N-1" (no data) / required (data)
  std::vector<uint8_t> valid;         // 1 = has cross-modal values
  std::vector<int64_t> steps;         // checkpoint steps (default 1..T)
  std::vector<std::string> sources;   // optional "task_name" of made-up records
  size_t rows() const { return static_cast<size_t>(values.shape(0)); }
  size_t checkpoints() const { return static_cast<size_t>(values.shape(1)); }
  size_t dims() const { return values.ndim() == 3 ? static_cast<size_t>(values.shape(2)) : 1; }
};

// Records {"id", "image": "array" | absent, "task_name"?} for the rows.
data::Dataset MadeUpDataset(const ArrayInput& in) {
  std::string text = "[";
  for (size_t i = 0; i < in.rows(); ++i) {
    nlohmann::json r = {{"id", in.ids.empty() ? std::to_string(i) : in.ids[i]}};
    if (in.valid[i]) r["image"] = "array";
    if (!in.sources.empty()) r["task_name"] = in.sources[i];
    r["conversations"] = nlohmann::json::array();
    text += (i ? ",\n" : "\n") + r.dump();
  }
  text += "\n]\n";
  data::LoadOptions lo;
  lo.show_progress = false;
  return Unwrap(data::Dataset::Parse(std::move(text), kArrays, lo));
}

// NaN/inf are refused (as by the store), naming the row rather than a temporary file.
void CheckFinite(const ArrayInput& in) {
  const size_t width = in.checkpoints() * in.dims();
  for (size_t i = 0; i < in.rows(); ++i) {
    for (size_t j = 0; j < width; ++j) {
      if (!std::isfinite(in.values.data()[i * width + j])) {
        throw StatusError(Status::InvalidInput(
            "trajectories: row " + std::to_string(i) + " (id '" + (in.ids.empty() ? std::to_string(i) : in.ids[i]) +
            "'), checkpoint " +
            std::to_string(j / in.dims()) + ": non-finite value (mark rows without values with text_only)"));
      }
    }
  }
}

// Writes the arrays as <dir>/store: svd [N, D] per checkpoint, or loss [N].
std::string WriteArrayStore(const ArrayInput& in, std::vector<std::string> row_ids, bool loss,
                            const std::string& dir) {
  const std::string path = dir + "/store";
  xmas::store::StoreWriter w = Unwrap(xmas::store::StoreWriter::Create(path, std::move(row_ids), in.valid));
  const size_t n = in.rows(), t = in.checkpoints(), d = in.dims();
  std::vector<float> step_values(n * d);
  const float* all = in.values.data();
  for (size_t c = 0; c < t; ++c) {
    for (size_t i = 0; i < n; ++i) {
      std::copy(all + (i * t + c) * d, all + (i * t + c + 1) * d, step_values.data() + i * d);
    }
    Check(w.AddCheckpoint(loss ? xmas::store::feature::kLoss : xmas::store::feature::kSvd, in.steps[c], step_values.data(),
                          loss ? -1 : static_cast<int64_t>(d)));
  }
  if (!loss) w.SetTopK(static_cast<int>(d));
  Check(w.Finish());
  return path;
}

// Per record: TV of its trajectory (NaN for records without one).
std::vector<double> StabilityOfRecords(const data::DatasetIndex& ds, const Selection& sel) {
  std::vector<double> out(ds.size(), std::nan(""));
  for (size_t r = 0; r < sel.official_keys.size(); ++r) {
    const long rec = ds.FindUniqueIdx(sel.official_keys[r]);
    if (rec >= 0 && ds.has_image(static_cast<size_t>(rec))) out[rec] = sel.official_stability[r];
  }
  return out;
}

struct SelectOutcome {
  std::vector<size_t> chosen;
  std::vector<int64_t> cluster_of;
  std::vector<double> stability;
  std::string report;  // the report JSON, as `xmas select` writes it
};

// Select, then (if asked) the subset file, then the report; as RunSelect.
SelectOutcome RunOn(const data::DatasetIndex& ds, SelectOptions o, const std::string& shown_trajectories,
                    Stopwatch* watch, Timings* timings, const std::string& tmp) {
  const bool trajectory_method = o.method == "xmas" || o.method == "s2l";
  if (trajectory_method) o.write_official_dir = tmp;  // fills the per-row stability (nothing is written)
  Selection sel = Unwrap(select::Select(ds, o));
  watch->Lap("select", timings);
  o.write_official_dir.clear();
  if (!o.output.empty()) {
    const bool sampling = o.order == select::OutputOrder::kSampling ||
                          (o.order == select::OutputOrder::kAuto && o.compat == select::Compat::kOfficial);
    std::vector<size_t> order = sel.chosen;
    if (!sampling) std::sort(order.begin(), order.end());
    Check(select::WriteSubsetFile(ds, order, o.output, o.official_format));
  }
  watch->Lap("write", timings);
  sel.timings.insert(sel.timings.begin(), timings->begin(), timings->end());
  o.trajectories = shown_trajectories;
  const std::string report_path = tmp + "/report.json";
  Check(select::WriteReport(ds, o, sel, report_path));
  SelectOutcome out;
  out.report = Unwrap(ReadFile(report_path));
  out.stability = StabilityOfRecords(ds, sel);
  out.chosen = std::move(sel.chosen);
  out.cluster_of = std::move(sel.cluster_of);
  return out;
}

SelectOutcome SelectFromPath(SelectOptions o) {
  if (o.data.empty()) throw StatusError(Status::Usage("select on a trajectory folder needs data= (the LLaVA JSON)"));
  if (!o.output.empty()) Check(CheckOutputIsNotInput(o.output, {o.data, o.trajectories}));
  TempDir tmp;
  Stopwatch watch;
  Timings timings;
  data::LoadOptions lo;
  lo.show_progress = false;
  data::DatasetIndex ds = Unwrap(data::DatasetIndex::Load(o.data, lo));
  watch.Lap("read data", &timings);
  const std::string shown = o.trajectories;
  return RunOn(ds, std::move(o), shown, &watch, &timings, tmp.path());
}

SelectOutcome SelectFromArrays(SelectOptions o, const ArrayInput& in) {
  const auto& names = select::MethodNames();
  const bool known = std::find(names.begin(), names.end(), o.method) != names.end();
  if (known && o.method != "xmas" && o.method != "s2l") {  // (an unknown name: Select says so)
    throw StatusError(Status::Usage("method '" + o.method + "' reads its features from a feature store: "
                                    "pass the store's path (arrays hold xmas or s2l trajectories)"));
  }
  if (!o.output.empty() && !o.data.empty()) Check(CheckOutputIsNotInput(o.output, {o.data}));
  CheckFinite(in);
  TempDir tmp;
  Stopwatch watch;
  Timings timings;
  std::optional<data::Dataset> made_up;
  std::optional<data::DatasetIndex> loaded;
  std::vector<std::string> row_ids = in.ids;
  if (o.data.empty()) {
    made_up = MadeUpDataset(in);
    row_ids.clear();
    for (const auto& r : made_up->records()) row_ids.push_back(r.unique_idx);
  } else {
    data::LoadOptions lo;
    lo.show_progress = false;
    loaded = Unwrap(data::DatasetIndex::Load(o.data, lo));
  }
  const data::DatasetIndex ds = made_up ? data::DatasetIndex::Of(*made_up) : std::move(*loaded);
  watch.Lap("read data", &timings);
  o.trajectories = WriteArrayStore(in, std::move(row_ids), o.method == "s2l", tmp.path());
  watch.Lap("write arrays", &timings);
  if (o.data.empty()) o.data = kArrays;
  return RunOn(ds, std::move(o), kArrays, &watch, &timings, tmp.path());
}

ArrayInput ReadArrays(const py::handle& values, const py::object& ids, const py::object& text_only,
                      const py::object& steps, const py::object& sources, bool need_ids) {
  ArrayInput in;
  in.values = FloatArray::ensure(values);
  if (!in.values || (in.values.ndim() != 2 && in.values.ndim() != 3) || in.values.shape(1) == 0) {
    throw py::value_error("trajectories: expected a float array [N, T] (Σσ per checkpoint) or [N, T, k] "
                          "(singular values), or the path of a trajectory folder");
  }
  const size_t n = in.rows();
  if (!ids.is_none()) in.ids = ids.cast<std::vector<std::string>>();
  if (need_ids && ids.is_none()) {
    throw py::value_error("ids: with data=, give each row's unique_idx (the dataset's keys)");
  }
  if (!in.ids.empty() && in.ids.size() != n) throw py::value_error("ids: expected " + std::to_string(n) + " ids");
  in.valid = std::vector<uint8_t>(n, 1);
  if (!text_only.is_none()) {
    const std::vector<uint8_t> t = MaskFrom(text_only, n, "text_only");
    for (size_t i = 0; i < n; ++i) in.valid[i] = !t[i];
  }
  if (!steps.is_none()) in.steps = steps.cast<std::vector<int64_t>>();
  if (steps.is_none()) for (size_t c = 0; c < in.checkpoints(); ++c) in.steps.push_back(static_cast<int64_t>(c + 1));
  if (in.steps.size() != in.checkpoints()) throw py::value_error("steps: expected one step per checkpoint (T)");
  if (!sources.is_none()) in.sources = sources.cast<std::vector<std::string>>();
  if (!in.sources.empty() && in.sources.size() != n) throw py::value_error("sources: expected one per row");
  return in;
}

// The settings of `xmas select`, checked as the CLI checks them.
SelectOptions Options(const py::dict& kw) {
  SelectOptions o;
  auto get = [&](const char* key) { return kw[key]; };
  o.budget = Unwrap(select::Budget::Parse(py::str(get("budget"))));
  o.method = get("method").cast<std::string>();
  o.standardize = get("standardize").cast<bool>();
  o.top_k = get("top_k").cast<int>();
  o.clusters = get("clusters").cast<int>();
  if (!get("iterations").is_none()) o.kmeans.iterations = get("iterations").cast<int>();  // else KMeansOptions'
  if (!get("tolerance").is_none()) o.kmeans.tolerance = get("tolerance").cast<double>();     // defaults
  o.seed = get("seed").cast<uint64_t>();
  o.official_format = get("official_format").cast<bool>();
  o.threads = get("threads").cast<int>();
  o.band = get("band").cast<std::string>();
  o.semdedup_eps = get("epsilon").cast<double>();
  o.knn = get("knn").cast<int>();
  o.gamma = get("gamma").cast<double>();
  o.temperature = get("temperature").cast<double>();
  if (!get("data").is_none()) o.data = py::str(get("data"));
  if (!get("output").is_none()) o.output = py::str(get("output"));
  o.explain = get("explain").cast<bool>();
  // None = "" (SelectOptions' value, or the mode's), as the CLI's flags.
  auto name = [&](const char* key) { return get(key).is_none() ? std::string() : get(key).cast<std::string>(); };
  const select::NamedSettings names{name("compat"), name("features"), name("order"), name("embeddings"),
                                    name("within"), name("normalize"), name("dedup"), name("text_quota")};
  Check(select::ApplyNamedSettings(names, &o));
  return o;
}

py::tuple Select(const py::object& trajectories, const py::dict& kw) {
  SelectOptions o = Options(kw);
  SelectOutcome out;
  const bool is_path = py::isinstance<py::str>(trajectories);
  if (is_path) {
    o.trajectories = trajectories.cast<std::string>();
    py::gil_scoped_release release;
    out = SelectFromPath(std::move(o));
  } else {
    const ArrayInput in = ReadArrays(trajectories, kw["ids"], kw["text_only"], kw["steps"], kw["sources"],
                                     !o.data.empty());
    py::gil_scoped_release release;
    out = SelectFromArrays(std::move(o), in);
  }
  std::vector<int64_t> chosen(out.chosen.begin(), out.chosen.end());
  const py::ssize_t n = static_cast<py::ssize_t>(out.cluster_of.size());
  return py::make_tuple(ToNumpy(std::move(chosen), {static_cast<py::ssize_t>(out.chosen.size())}),
                        ToNumpy(std::move(out.cluster_of), {n}), ToNumpy(std::move(out.stability), {n}),
                        out.report);
}

}  // namespace

void BindSelect(py::module_& m) {
  m.def("select", &Select, py::arg("trajectories"), py::arg("options"),
        "Low-level entry of xmas.select (use that): returns (indices, cluster_of, stability, report_json).");
  m.def("method_names", &select::MethodNames, "Method names `select` accepts.");
}

}  // namespace xmas::python
