// xmas._core: the torch-free bindings (select, Store, Dataset). The public
// API is the `xmas` package (python/xmas/__init__.py), which wraps these.
#include "bindings.h"
#include "errors.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "xmas C++ core (select, feature store, dataset); use the `xmas` package.";
  xmas::python::RegisterErrors();
  xmas::python::BindLogLevel(m);
  xmas::python::BindSelect(m);
  xmas::python::BindStore(m);
  xmas::python::BindDataset(m);
#ifdef XMAS_VERSION_STRING
  m.attr("__version__") = XMAS_VERSION_STRING;
#endif
}
