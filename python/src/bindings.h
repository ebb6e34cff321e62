// The parts of the xmas._core extension module (one Bind* per file).
#pragma once

#include <pybind11/pybind11.h>

namespace xmas::python {

void BindSelect(pybind11::module_& m);
void BindStore(pybind11::module_& m);
void BindDataset(pybind11::module_& m);

}  // namespace xmas::python
