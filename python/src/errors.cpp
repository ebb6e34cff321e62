#include "errors.h"

#include "xmas/util/log.h"

namespace xmas::python {
namespace {

const char* ClassName(Status::Code code) {
  switch (code) {
    case Status::Code::kInvalidInput: return "DataError";
    case Status::Code::kNotFound: return "NotFoundError";
    case Status::Code::kIoError: return "FileError";
    case Status::Code::kUsage: return "UsageError";
    default: return "InternalError";
  }
}

}  // namespace

void RegisterErrors() {
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      pybind11::object cls = pybind11::module_::import("xmas.errors").attr(ClassName(e.status().code()));
      PyErr_SetString(cls.ptr(), e.what());
    }
  });
}

void BindLogLevel(pybind11::module_& m) {
  m.def("set_log_level", [](const std::string& name) {
    log::Level level;
    if (!log::ParseLevel(name, &level)) {
      throw pybind11::value_error("log level '" + name + "': expected debug, info, warn, error or off");
    }
    log::SetLevel(level);
  }, pybind11::arg("level"));
}

}  // namespace xmas::python
