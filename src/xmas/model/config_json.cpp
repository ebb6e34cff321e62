#include "xmas/model/config_json.h"

#include <algorithm>

namespace xmas::model {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

const std::vector<std::string>& KnownActivations() {
  static const std::vector<std::string> kNames = {"gelu",     "gelu_pytorch_tanh", "gelu_new",
                                                  "quick_gelu", "silu",            "relu"};
  return kNames;
}

bool IsKnownActivation(const std::string& name) {
  const auto& known = KnownActivations();
  return std::find(known.begin(), known.end(), name) != known.end();
}

void JsonFields::RejectUnless(const char* key, const Json& allowed, const std::string& why) {
  if (!status_.ok() || !Has(key) || object_[key] == allowed) return;
  Fail(key, object_[key].dump() + " is not supported (" + why + ")");
}

void JsonFields::Fail(const char* key, const std::string& what) {
  if (status_.ok()) status_ = Status::InvalidInput(source_ + ": field '" + prefix_ + key + "': " + what);
}

}  // namespace xmas::model
