// xmas.Store / xmas.StoreWriter: the feature store of docs/formats.md from NumPy.
#include <pybind11/stl.h>

#include "arrays.h"
#include "bindings.h"
#include "errors.h"
#include "xmas/store/store.h"
#include "xmas/util/atomic_file.h"

namespace xmas::python {
namespace {

using xmas::store::FeatureMatrix;
using xmas::store::Store;
using xmas::store::StoreWriter;

// JSON text <-> Python objects through the json module (settings are small).
py::object JsonToPython(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}
nlohmann::json PythonToJson(const py::handle& value) {
  const std::string text = py::str(py::module_::import("json").attr("dumps")(value));
  return nlohmann::json::parse(text);
}

// [N] when the feature holds one value per row, else [N, D].
py::array Matrix(FeatureMatrix m, int64_t cols) {
  std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(m.rows)};
  if (cols >= 0) shape.push_back(static_cast<py::ssize_t>(m.cols));
  return ToNumpy(std::move(m.values), shape);
}

py::array ReadCheckpoint(const Store& s, const std::string& name, int64_t step) {
  const xmas::store::FeatureInfo info = Unwrap(s.Info(name));
  FeatureMatrix m;
  {
    py::gil_scoped_release release;
    m = Unwrap(s.ReadCheckpoint(name, step));
  }
  return Matrix(std::move(m), info.cols);
}

py::array ReadStatic(const Store& s, const std::string& name) {
  const xmas::store::FeatureInfo info = Unwrap(s.Info(name));
  FeatureMatrix m;
  {
    py::gil_scoped_release release;
    m = Unwrap(s.ReadStatic(name));
  }
  return Matrix(std::move(m), info.cols);
}

// Every checkpoint of a feature stacked: [N, T] or [N, T, D].
py::array Trajectories(const Store& s, const std::string& name) {
  const xmas::store::FeatureInfo info = Unwrap(s.Info(name));
  const std::vector<int64_t> steps = Unwrap(s.Steps(name));
  const size_t n = s.size(), t = steps.size(), d = info.cols < 0 ? 1 : info.cols;
  std::vector<float> out(n * t * d);
  {
    py::gil_scoped_release release;
    for (size_t c = 0; c < t; ++c) {
      const FeatureMatrix m = Unwrap(s.ReadCheckpoint(name, steps[c]));
      for (size_t i = 0; i < n; ++i) std::copy(m.row(i), m.row(i) + d, out.data() + (i * t + c) * d);
    }
  }
  std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(t)};
  if (info.cols >= 0) shape.push_back(static_cast<py::ssize_t>(d));
  return ToNumpy(std::move(out), shape);
}

py::dict Info(const Store& s, const std::string& name) {
  const xmas::store::FeatureInfo info = Unwrap(s.Info(name));
  py::dict d;
  d["name"] = info.name;
  d["per_checkpoint"] = info.per_checkpoint;
  d["cols"] = info.cols;
  if (info.per_checkpoint) {
    d["files"] = info.files;
  } else {
    d["file"] = info.file;
  }
  return d;
}

std::vector<std::string> FeatureNames(const Store& s) {
  const nlohmann::json manifest = nlohmann::json::parse(Unwrap(ReadFile(s.dir() + "/manifest.json")));
  std::vector<std::string> names;
  for (const auto& [name, _] : manifest.at("features").items()) names.push_back(name);
  return names;
}

std::vector<std::string> Ids(const Store& s) {
  std::vector<std::string> ids(s.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = std::string(s.id(i));
  return ids;
}

// (values, cols) of a [N] or [N, D] array with N rows.
std::pair<FloatArray, int64_t> Rows(const py::handle& values, size_t n, const std::string& what) {
  FloatArray a = FloatArray::ensure(values);
  if (!a || (a.ndim() != 1 && a.ndim() != 2) || static_cast<size_t>(a.shape(0)) != n) {
    throw py::value_error(what + ": expected a float array of shape [" + std::to_string(n) + "] or [" +
                          std::to_string(n) + ", D]");
  }
  return {a, a.ndim() == 1 ? -1 : a.shape(1)};
}

// A StoreWriter and its row count (to check the arrays added).
struct Writer {
  StoreWriter w;
  size_t rows = 0;
};

Writer Create(const py::object& path, std::vector<std::string> ids, const py::object& valid,
              bool overwrite) {
  const std::string dir = FsPath(path);
  std::vector<uint8_t> mask = valid.is_none() ? std::vector<uint8_t>(ids.size(), 1)
                                              : MaskFrom(valid, ids.size(), "valid");
  const size_t rows = ids.size();
  py::gil_scoped_release release;
  return Writer{Unwrap(StoreWriter::Create(dir, std::move(ids), std::move(mask), overwrite)), rows};
}

}  // namespace

void BindStore(py::module_& m) {
  py::class_<Writer>(m, "StoreWriter", R"doc(
Writes a feature store (docs/formats.md). Made by ``Store.create``; add
features, then call ``finish()``, which writes manifest.json: until then the
folder is an unfinished store that readers refuse. Every file is written
atomically.)doc")
      .def("add_checkpoint",
           [](Writer& w, const std::string& name, int64_t step, const py::handle& values) {
             auto [a, cols] = Rows(values, w.rows, name + " checkpoint " + std::to_string(step));
             py::gil_scoped_release release;
             Check(w.w.AddCheckpoint(name, step, a.data(), cols));
           },
           py::arg("name"), py::arg("step"), py::arg("values"),
           "Adds checkpoint `step` of a per-checkpoint feature (float32 [N] or [N, D];\n"
           "every step of a feature has the same shape). NaN and infinities are refused.")
      .def("add_static",
           [](Writer& w, const std::string& name, const py::handle& values) {
             auto [a, cols] = Rows(values, w.rows, name);
             py::gil_scoped_release release;
             Check(w.w.AddStatic(name, a.data(), cols));
           },
           py::arg("name"), py::arg("values"),
           "Adds a feature with one value (or vector) per example: float32 [N] or [N, D].")
      .def("set_setting", [](Writer& w, const std::string& key, const py::handle& value) {
             w.w.SetSetting(key, PythonToJson(value));
           }, py::arg("key"), py::arg("value"),
           "Records free-form provenance (any JSON-serialisable value) in the manifest.")
      .def("set_top_k", [](Writer& w, int k) { w.w.SetTopK(k); }, py::arg("k"),
           "Top-k recorded for the svd feature (0 = unknown).")
      .def("finish", [](Writer& w) {
             py::gil_scoped_release release;
             Check(w.w.Finish());
           },
           "Writes manifest.json; the store is complete afterwards.");

  py::class_<Store>(m, "Store", R"doc(
A feature store (``xmas-trajectory-store``, docs/formats.md) opened for
reading: ids.txt, valid.npy and per-checkpoint or static float32 features.

    store = xmas.Store("traj/")
    svd = store.trajectories("svd")      # float32 [N, T, k]
    steps = store.steps("svd")

Errors (a missing manifest, a NaN in a feature file, ...) raise
xmas.errors.* with the one-line message the CLI prints.)doc")
      .def(py::init([](const py::object& path) {
             const std::string dir = FsPath(path);
             py::gil_scoped_release release;
             return Unwrap(Store::Open(dir));
           }), py::arg("path"), "Opens and validates the manifest, ids and validity mask.")
      .def_static("create", &Create, py::arg("path"), py::arg("ids"), py::arg("valid") = py::none(),
                  py::arg("overwrite") = false,
                  "Starts a store in `path` (created; must be empty unless overwrite) for\n"
                  "rows with these unique ids; `valid` (default all True) marks rows with\n"
                  "cross-modal values (False: text-only). Returns a StoreWriter.")
      .def_static("is_store", [](const py::object& path) { return Store::IsStore(FsPath(path)); }, py::arg("path"),
                  "True if `path` holds a manifest.json of this format.")
      .def_property_readonly("path", &Store::dir)
      .def("__len__", &Store::size)
      .def_property_readonly("ids", &Ids, "The unique_idx of every row, in row order.")
      .def_property_readonly("valid", [](const Store& s) {
             std::vector<bool> v(s.valid().begin(), s.valid().end());
             return py::module_::import("numpy").attr("array")(py::cast(v), "bool");
           }, "bool [N]: True where the row has cross-modal values (False: text-only).")
      .def_property_readonly("top_k", &Store::top_k)
      .def_property_readonly("settings", [](const Store& s) { return JsonToPython(s.settings()); })
      .def_property_readonly("features", &FeatureNames, "Names of the features the store holds.")
      .def("has", &Store::Has, py::arg("name"))
      .def("info", &Info, py::arg("name"), "A feature's kind, columns (-1: [N]) and files.")
      .def("steps", [](const Store& s, const std::string& name) { return Unwrap(s.Steps(name)); },
           py::arg("name"), "Checkpoint steps of a per-checkpoint feature, ascending.")
      .def("read_checkpoint", &ReadCheckpoint, py::arg("name"), py::arg("step"),
           "One checkpoint of a feature: float32 [N] or [N, D].")
      .def("read_static", &ReadStatic, py::arg("name"), "A static feature: float32 [N] or [N, D].")
      .def("trajectories", &Trajectories, py::arg("name") = "svd",
           "Every checkpoint of a feature, ascending steps: float32 [N, T] or [N, T, D].")
      .def("__repr__", [](const Store& s) {
             return "<xmas.Store '" + s.dir() + "': " + std::to_string(s.size()) + " rows>";
           });
}

}  // namespace xmas::python
