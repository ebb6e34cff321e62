// xmas.Dataset: a LLaVA JSON file read, validated and subset as the CLI does.
#include <pybind11/stl.h>

#include <algorithm>

#include "arrays.h"
#include "bindings.h"
#include "errors.h"
#include "xmas/data/dataset.h"
#include "xmas/data/validate.h"

namespace xmas::python {
namespace {

using data::Dataset;

const data::Record& At(const Dataset& ds, py::ssize_t i) {
  if (i < 0) i += static_cast<py::ssize_t>(ds.size());
  if (i < 0 || static_cast<size_t>(i) >= ds.size()) {
    throw py::index_error("record index out of range (" + ds.path() + " has " + std::to_string(ds.size()) +
                          " records)");
  }
  return ds[static_cast<size_t>(i)];
}

py::dict RecordDict(const data::Record& r) {
  py::dict d;
  d["index"] = r.index;
  d["id"] = r.id;
  d["image"] = r.has_image() ? py::object(py::str(r.image)) : py::object(py::none());
  d["source"] = r.source;
  d["unique_idx"] = r.unique_idx;
  d["num_turns"] = r.num_turns;
  return d;
}

py::list Problems(const std::vector<data::RecordProblem>& problems) {
  py::list out;
  for (const auto& p : problems) {
    py::dict d;
    d["index"] = p.index;
    d["field"] = p.field;
    d["message"] = p.message;
    out.append(d);
  }
  return out;
}

data::ValidateOptions ValidateOpts(const py::object& image_folder, bool decode_images, int threads) {
  data::ValidateOptions o;
  if (!image_folder.is_none()) o.image_folder = FsPath(image_folder);
  o.decode_images = decode_images;
  o.threads = threads;
  o.show_progress = false;
  return o;
}

py::dict Validate(const Dataset& ds, const py::object& image_folder, bool decode_images, int threads) {
  const data::ValidateOptions o = ValidateOpts(image_folder, decode_images, threads);
  data::ValidationReport report;
  {
    py::gil_scoped_release release;
    report = data::ValidateDataset(ds, o);
  }
  py::dict d;
  d["records"] = report.num_records;
  d["ok"] = report.ok();
  d["problems"] = Problems(report.problems);
  d["bad_records"] = report.bad_records;
  d["counts_by_kind"] = report.CountsByKind();
  d["summary"] = report.Summary();
  return d;
}

std::vector<size_t> CheckDataset(const Dataset& ds, const py::object& image_folder, const std::string& on_error,
                          bool decode_images, int threads) {
  const data::ValidateOptions o = ValidateOpts(image_folder, decode_images, threads);
  const data::OnError policy = Unwrap(data::ParseOnError(on_error));
  py::gil_scoped_release release;
  return Unwrap(data::CheckRecords(ds, o, policy));
}

void Subset(const Dataset& ds, const std::vector<py::ssize_t>& indices, const py::object& out,
            const std::string& order) {
  const std::string path = FsPath(out);
  if (order != "file" && order != "given") throw py::value_error("order: expected 'file' or 'given'");
  std::vector<size_t> chosen;
  chosen.reserve(indices.size());
  for (py::ssize_t i : indices) chosen.push_back(At(ds, i).index);
  if (order == "file") {
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  }
  py::gil_scoped_release release;
  xmas::python::Check(data::WriteSubset(ds, chosen, path));
}

template <typename F>
py::list Column(const Dataset& ds, F field) {
  py::list out;
  for (const auto& r : ds.records()) out.append(field(r));
  return out;
}

}  // namespace

void BindDataset(py::module_& m) {
  py::class_<Dataset>(m, "Dataset", R"doc(
A LLaVA-format dataset (a JSON array of records), read exactly as the CLI
reads it: every record keeps its exact bytes, so subsets are written byte
for byte.

    ds = xmas.Dataset("llava.json")
    ds[3]                      # {'index', 'id', 'image', 'source', 'unique_idx', 'num_turns'}
    ds.conversations(3)        # [{'from': 'human', 'value': ...}, ...]
    report = ds.validate(image_folder="images/")
    ds.subset([0, 7, 9], "subset.json")

strict=True (default) raises xmas.errors.DataError on the first record with a
missing id or a field of the wrong type; strict=False keeps such records and
lists them in ``load_problems`` (as ``xmas data validate`` does). Malformed
JSON always raises. Messages are the CLI's one-line errors.)doc")
      .def(py::init([](const py::object& path, bool strict) {
             const std::string p = FsPath(path);
             data::LoadOptions o;
             o.show_progress = false;
             o.collect_record_problems = !strict;
             py::gil_scoped_release release;
             return Unwrap(Dataset::Load(p, o));
           }),
           py::arg("path"), py::arg("strict") = true)
      .def_property_readonly("path", &Dataset::path)
      .def("__len__", &Dataset::size)
      .def("__getitem__", [](const Dataset& ds, py::ssize_t i) { return RecordDict(At(ds, i)); },
           py::arg("index"))
      .def("raw", [](const Dataset& ds, py::ssize_t i) { return py::bytes(std::string(At(ds, i).raw)); },
           py::arg("index"), "The record's exact bytes in the file, '{' to '}'.")
      .def("conversations",
           [](const Dataset& ds, py::ssize_t i) {
             py::list out;
             for (const auto& t : Unwrap(ds.Conversations(At(ds, i).index))) {
               py::dict d;
               d["from"] = t.from;
               d["value"] = t.value;
               out.append(d);
             }
             return out;
           },
           py::arg("index"), "The record's turns: [{'from': ..., 'value': ...}, ...].")
      .def_property_readonly("ids", [](const Dataset& ds) { return Column(ds, [](const data::Record& r) { return r.id; }); })
      .def_property_readonly("unique_idx", [](const Dataset& ds) {
             return Column(ds, [](const data::Record& r) { return r.unique_idx; });
           }, "The authors' keys (\"<id>::<image>\" or \"<id>\", \"#n\" on repeats), the store's row ids.")
      .def_property_readonly("sources", [](const Dataset& ds) { return Column(ds, [](const data::Record& r) { return r.source; }); })
      .def_property_readonly("has_image", [](const Dataset& ds) {
             std::vector<bool> v;
             for (const auto& r : ds.records()) v.push_back(r.has_image());
             return py::module_::import("numpy").attr("array")(py::cast(v), "bool");
           }, "bool [N]: True for records with an image.")
      .def_property_readonly("load_problems", [](const Dataset& ds) { return Problems(ds.load_problems()); },
                             "Problems found while reading with strict=False: [{'index', 'field', 'message'}].")
      .def("where", [](const Dataset& ds, py::ssize_t i) { return ds.Where(At(ds, i).index); }, py::arg("index"),
           "\"<path>: record <i> (id '<id>')\", the prefix of every per-record error.")
      .def("find_unique_idx", [](const Dataset& ds, const std::string& key) { return ds.FindUniqueIdx(key); },
           py::arg("unique_idx"), "Index of the record with this unique_idx, or -1.")
      .def("find_id", &Dataset::FindId, py::arg("id"), "Indices of the records with this id, in file order.")
      .def("validate", &Validate, py::arg("image_folder") = py::none(), py::arg("decode_images") = true,
           py::arg("threads") = 0, R"doc(
Every problem of every record (as ``xmas data validate``): the structure,
the turns, the <image> placeholder and, with image_folder, the image files.
Returns {'records', 'ok', 'problems': [{'index', 'field', 'message'}],
'bad_records', 'counts_by_kind', 'summary'}. Releases the GIL.)doc")
      .def("check", &CheckDataset, py::arg("image_folder") = py::none(), py::arg("on_error") = "fail",
           py::arg("decode_images") = true, py::arg("threads") = 0, R"doc(
The --on-error policy of the CLI: 'fail' raises xmas.errors.DataError with the
first problem's line (and how many more there are); 'skip' returns the
indices of the records without problems.)doc")
      .def("subset", &Subset, py::arg("indices"), py::arg("path"), py::arg("order") = "file", R"doc(
Writes the chosen records as a JSON array, each record's bytes unchanged
(atomically; never over the dataset itself). order='file' (default, as
``xmas data subset``): file order without repeats; 'given': as listed.)doc")
      .def("__repr__", [](const Dataset& ds) {
             return "<xmas.Dataset '" + ds.path() + "': " + std::to_string(ds.size()) + " records>";
           });
}

}  // namespace xmas::python
