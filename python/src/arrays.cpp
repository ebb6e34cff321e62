#include "arrays.h"

namespace xmas::python {

std::string FsPath(const py::handle& path) {
  return py::str(py::module_::import("os").attr("fspath")(path));
}

std::vector<uint8_t> MaskFrom(const py::handle& mask, size_t n, const char* what) {
  auto a = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>::ensure(
      py::module_::import("numpy").attr("asarray")(mask).attr("astype")("bool"));
  if (!a || a.ndim() != 1 || static_cast<size_t>(a.shape(0)) != n) {
    throw py::value_error(std::string(what) + ": expected a 1-D mask of " + std::to_string(n) +
                          " entries");
  }
  return std::vector<uint8_t>(a.data(), a.data() + n);
}

}  // namespace xmas::python
