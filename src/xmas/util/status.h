// Status and Result<T>: how errors cross module boundaries in xmas.
//
// A Status is either OK or carries a code and one human-readable line that
// names what failed (file, record index and id, field). Commands print that
// line and exit non-zero; nothing is thrown across a module boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace xmas {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidInput,  // the user's data is malformed or breaks a limit
    kNotFound,      // a file or key does not exist
    kIoError,       // reading or writing failed
    kUsage,         // arguments are inconsistent (CLI exit code 2)
    kInternal,      // a bug or a broken invariant
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string msg) { return Status(Code::kInvalidInput, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Usage(std::string msg) { return Status(Code::kUsage, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid input: <message>" style, for logs and tests.
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>" (adds context).
  Status WithPrefix(const std::string& prefix) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace xmas

// Propagates a non-OK Status to the caller.
#define XMAS_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::xmas::Status _xmas_st = (expr);           \
    if (!_xmas_st.ok()) return _xmas_st;        \
  } while (0)

#define XMAS_CONCAT_INNER(a, b) a##b
#define XMAS_CONCAT(a, b) XMAS_CONCAT_INNER(a, b)
// XMAS_ASSIGN_OR_RETURN(auto x, ComputeX()); declares x or returns the error.
#define XMAS_ASSIGN_OR_RETURN(lhs, expr)                                  \
  auto XMAS_CONCAT(_xmas_res_, __LINE__) = (expr);                        \
  if (!XMAS_CONCAT(_xmas_res_, __LINE__).ok())                            \
    return XMAS_CONCAT(_xmas_res_, __LINE__).status();                    \
  lhs = std::move(XMAS_CONCAT(_xmas_res_, __LINE__)).value()
