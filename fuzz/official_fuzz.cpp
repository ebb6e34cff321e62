// Fuzzes the reader of the authors' per-checkpoint JSON files
// (xmas/select/official_json.h). The input packs parts joined by
// fuzz_util.h's separator: part 0 is one option byte and then newline-
// separated file names (the step and top-k come from the names), parts
// 1..n are those files. Contract checked: a clean error, or trajectories
// of rows x steps x dims values with one row per key of the first file.
#include <cstdlib>
#include <string>

#include "fuzz_target.h"
#include "fuzz_util.h"
#include "xmas/select/official_json.h"
#include "xmas/util/log.h"

namespace {

bool SafeName(std::string_view name) {
  return !name.empty() && name.size() < 128 && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

}  // namespace

XMAS_FUZZ_TARGET(official) {
  auto parts = xmas::fuzz::SplitParts(data, size);
  if (parts.size() < 2 || parts[0].empty()) return 0;
  xmas::log::SetLevel(xmas::log::Level::kError);
  const uint8_t flags = static_cast<uint8_t>(parts[0][0]);
  xmas::select::OfficialReadOptions options;
  options.metric = flags & 1 ? xmas::select::OfficialMetric::kLoss : xmas::select::OfficialMetric::kAttnSvd;
  options.keep_all = (flags & 2) != 0;
  options.allow_nan = (flags & 4) != 0;
  options.top_k = (flags >> 3) & 3;
  options.show_progress = false;
  auto& dir = xmas::fuzz::ScratchDir::Get();
  const std::string path = dir.Fresh();
  std::string_view names = parts[0].substr(1);
  for (size_t i = 1; i < parts.size() && i < 8; ++i) {
    const size_t nl = names.find('\n');
    std::string_view name = names.substr(0, nl);
    names = nl == std::string_view::npos ? std::string_view() : names.substr(nl + 1);
    if (!SafeName(name)) return 0;
    dir.Write(std::string(name), parts[i]);
  }
  auto t = xmas::select::ReadOfficialTrajectories(path, options);
  if (!t.ok()) return 0;
  if (t->values.size() != t->rows() * t->width() || t->valid.size() != t->rows()) std::abort();
  if (t->width() != t->steps.size() * t->dims) std::abort();
  (void)xmas::select::TotalVariation(*t);
  return 0;
}
