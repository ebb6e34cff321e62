// NumPy <-> C++ helpers shared by the bindings.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

namespace xmas::python {

namespace py = pybind11;

// A float32, C-contiguous view of `array` (converted if needed: float64,
// ints, non-contiguous). TypeError if it is not numeric.
using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

// A NumPy array that owns `values` (moved, not copied) with this shape.
template <typename T>
py::array_t<T> ToNumpy(std::vector<T> values, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), free_when_done);
}

// os.fspath(path) as a string: str, pathlib.Path or any os.PathLike.
std::string FsPath(const py::handle& path);

// A 1-D boolean/integer mask of length n as 0/1 bytes; ValueError naming
// `what` if its length differs.
std::vector<uint8_t> MaskFrom(const py::handle& mask, size_t n, const char* what);

}  // namespace xmas::python
