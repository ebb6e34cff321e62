// How xmas::Status crosses into Python: a non-OK Status becomes one of the
// exception classes of xmas/errors.py, whose str() is the Status message
// (the same one line the CLI prints after "xmas: error: ").
//
//   Check(store.Finish());                     // raises on error
//   auto store = Unwrap(xmas::store::Store::Open(d));  // the value, or raises
#pragma once

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <utility>

#include "xmas/util/status.h"

namespace xmas::python {

// Thrown by Check/Unwrap; translated by RegisterErrors' translator.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(Status status)
      : std::runtime_error(status.message()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

inline void Check(const Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) throw StatusError(result.status());
  return std::move(result).value();
}

// Installs the translator StatusError -> xmas.errors.<class> (by code:
// DataError, NotFoundError, FileError, UsageError, InternalError).
void RegisterErrors();

// Every extension module links its own copy of the library, hence its own
// log level: each gets set_log_level(name) ("debug", "info", "warn",
// "error", "off"), which xmas.set_log_level calls on all of them.
void BindLogLevel(pybind11::module_& m);

}  // namespace xmas::python
