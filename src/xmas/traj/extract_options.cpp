#include "xmas/traj/extract_options.h"
#include "xmas/util/enum_names.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace xmas::traj {

namespace {
constexpr EnumName<LayerCombine> kCombineNames[] = {{LayerCombine::kSum, "sum"}, {LayerCombine::kMean, "mean"}};
}  // namespace

Result<LayerCombine> ParseLayerCombine(const std::string& name) {
  return ParseEnum(kCombineNames, name, "--combine");
}

const char* LayerCombineName(LayerCombine combine) { return NameOf(kCombineNames, combine); }

namespace {

bool ParseInt(const std::string& text, int64_t* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *value = v;
  return true;
}

Result<std::vector<int64_t>> ParseIntList(const std::string& spec, const std::string& option) {
  std::vector<int64_t> out;
  std::stringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    int64_t v = 0;
    if (!ParseInt(item, &v)) {
      return Status::Usage(option + ": '" + item + "' is not an integer (in '" + spec + "')");
    }
    out.push_back(v);
  }
  if (out.empty()) return Status::Usage(option + ": empty list");
  return out;
}

Result<std::vector<int64_t>> ParseStepRange(const std::string& spec) {
  const size_t a = spec.find(':'), b = spec.find(':', a + 1);
  int64_t first = 0, last = 0, step = 0;
  if (b == std::string::npos || !ParseInt(spec.substr(0, a), &first) ||
      !ParseInt(spec.substr(a + 1, b - a - 1), &last) || !ParseInt(spec.substr(b + 1), &step) ||
      step <= 0 || last < first) {
    return Status::Usage("--checkpoints: expected A:B:STEP with A <= B and STEP > 0, got '" +
                         spec + "'");
  }
  std::vector<int64_t> out;
  for (int64_t s = first; s <= last; s += step) out.push_back(s);
  return out;
}

}  // namespace

Result<std::vector<int64_t>> ParseCheckpointSpec(const std::string& spec,
                                                 const std::vector<int64_t>& available) {
  if (spec == "all") {
    if (available.empty()) return Status::NotFound("--checkpoints all: the run has no checkpoint");
    return available;
  }
  std::vector<int64_t> wanted;
  if (spec.find(':') != std::string::npos) {
    XMAS_ASSIGN_OR_RETURN(wanted, ParseStepRange(spec));
  } else {
    XMAS_ASSIGN_OR_RETURN(wanted, ParseIntList(spec, "--checkpoints"));
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (int64_t s : wanted) {
    if (!std::binary_search(available.begin(), available.end(), s)) {
      return Status::Usage("--checkpoints: the run has no complete checkpoint-" +
                           std::to_string(s));
    }
  }
  return wanted;
}

Result<std::vector<int64_t>> ParseLayerSpec(const std::string& spec, int64_t num_layers,
                                            const std::string& option) {
  std::vector<int64_t> out;
  if (spec == "all") {
    for (int64_t l = 0; l < num_layers; ++l) out.push_back(l);
    return out;
  }
  if (spec == "auto") {  // up to 4 layers spread over the depth, the last included
    const int64_t n = std::min<int64_t>(4, num_layers);
    for (int64_t i = 1; i <= n; ++i) out.push_back(i * num_layers / n - 1);
  } else {
    XMAS_ASSIGN_OR_RETURN(out, ParseIntList(spec, option));
  }
  for (int64_t& l : out) {
    const int64_t given = l;
    if (l < 0) l += num_layers;
    if (l < 0 || l >= num_layers) {
      return Status::Usage(option + ": layer " + std::to_string(given) + " out of range (the model has " +
                           std::to_string(num_layers) + " decoder layers)");
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status ParseShard(const std::string& spec, int* index, int* count) {
  const size_t slash = spec.find('/');
  int64_t i = 0, n = 0;
  if (slash == std::string::npos || !ParseInt(spec.substr(0, slash), &i) ||
      !ParseInt(spec.substr(slash + 1), &n) || n < 1 || i < 0 || i >= n || n > 100000) {
    return Status::Usage("--shard: expected I/N with 0 <= I < N, got '" + spec + "'");
  }
  *index = static_cast<int>(i);
  *count = static_cast<int>(n);
  return Status::Ok();
}

}  // namespace xmas::traj
