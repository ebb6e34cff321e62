// Reading config.json fields (internal to the model component): typed reads
// whose errors name the file and the dotted field, and the lists of what is
// supported that every "unknown ..." error repeats. No libtorch.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <type_traits>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::model {

using Json = nlohmann::json;

// "a, b, c" (for "supported: ..." messages).
std::string JoinNames(const std::vector<std::string>& names);

// Activation names the layers implement (layers.h), in HF spelling.
const std::vector<std::string>& KnownActivations();
bool IsKnownActivation(const std::string& name);

// Reads fields of one JSON object. The first error sticks; later reads are
// no-ops. Absent and null fields leave the target unchanged (class default).
class JsonFields {
 public:
  JsonFields(const Json& object, std::string source, std::string prefix)
      : object_(object), source_(std::move(source)), prefix_(std::move(prefix)) {}

  template <typename T>
  void Read(const char* key, T* out) {
    if (!status_.ok() || !Has(key)) return;
    const Json& value = object_[key];
    bool ok = false;
    if constexpr (std::is_same_v<T, bool>) {
      ok = value.is_boolean();
    } else if constexpr (std::is_integral_v<T>) {
      ok = value.is_number_integer();
    } else if constexpr (std::is_floating_point_v<T>) {
      ok = value.is_number();
    } else {
      ok = value.is_string();
    }
    if (!ok) {
      Fail(key, std::string("expected ") + ExpectedName<T>() + ", got " + value.dump());
      return;
    }
    *out = value.get<T>();
  }
  // Present and not null.
  bool Has(const char* key) const { return object_.contains(key) && !object_[key].is_null(); }
  // An error for a feature xmas does not implement: set to a value other
  // than `allowed` (absent/null is allowed).
  void RejectUnless(const char* key, const Json& allowed, const std::string& why);
  void Fail(const char* key, const std::string& what);
  const Status& status() const { return status_; }
  const Json& object() const { return object_; }
  const std::string& source() const { return source_; }

 private:
  template <typename T>
  static const char* ExpectedName() {
    if constexpr (std::is_same_v<T, bool>) return "a boolean";
    else if constexpr (std::is_integral_v<T>) return "an integer";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else return "a string";
  }
  const Json& object_;
  std::string source_, prefix_;
  Status status_;
};

}  // namespace xmas::model
