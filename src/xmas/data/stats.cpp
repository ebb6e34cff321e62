#include "xmas/data/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "xmas/data/parallel.h"
#include "xmas/util/progress.h"

namespace xmas::data {
namespace {

// Python's str.split() separators among ASCII (the rare Unicode spaces are
// not split on, which only matters for exotic text).
const bool* SpaceTable() {
  static const auto* table = [] {
    static bool t[256] = {};
    for (int c = '\t'; c <= '\r'; ++c) t[c] = true;
    for (int c = 0x1c; c <= 0x20; ++c) t[c] = true;
    return t;
  }();
  return table;
}

// Unicode characters (UTF-8 lead bytes) and whitespace-separated words, in
// one pass.
void CountText(std::string_view text, size_t* chars, size_t* words) {
  const bool* space = SpaceTable();
  size_t c = 0, w = 0;
  bool in_word = false;
  for (unsigned char byte : text) {
    c += (byte & 0xC0) != 0x80;
    const bool s = space[byte];
    w += !s && !in_word;
    in_word = !s;
  }
  *chars += c;
  *words += w;
}

size_t Rank(size_t n, double q) {
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  return std::clamp<size_t>(rank, 1, n) - 1;
}

nlohmann::json DistributionJson(const Distribution& d) {
  return {{"count", d.count}, {"mean", d.mean}, {"min", d.min}, {"median", d.median}, {"p90", d.p90}, {"max", d.max}};
}

std::string Row(const std::string& name, const Distribution& d) {
  char line[160];
  std::snprintf(line, sizeof(line), "  %-16s %10zu %10zu %10zu %10zu %12.1f\n", name.c_str(), d.min, d.median,
                d.p90, d.max, d.mean);
  return line;
}

}  // namespace

Distribution Summarize(std::vector<size_t> values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (size_t v : values) sum += static_cast<double>(v);
  d.mean = sum / static_cast<double>(values.size());
  d.min = values.front();
  d.max = values.back();
  d.median = values[Rank(values.size(), 0.5)];
  d.p90 = values[Rank(values.size(), 0.9)];
  return d;
}

Result<DatasetStats> ComputeStats(const Dataset& dataset, const std::vector<size_t>& indices, bool show_progress,
                                  int threads) {
  DatasetStats stats;
  stats.path = dataset.path();
  stats.format = dataset.format();
  stats.records = indices.size();
  stats.skipped = dataset.size() - std::min(dataset.size(), indices.size());
  for (size_t i : indices) {
    const Record& record = dataset[i];
    ++stats.by_source[record.source];
    (record.has_image() ? stats.with_image : stats.text_only)++;
    stats.images += record.num_images();
    stats.several_images += record.num_images() > 1;
  }
  std::vector<size_t> turns(indices.size()), chars(indices.size()), words(indices.size());
  std::unique_ptr<Progress> bar;
  if (show_progress) bar = std::make_unique<Progress>("stats", indices.size(), "rec");
  XMAS_RETURN_IF_ERROR(ForEachItem(
      indices.size(), threads, 512,
      [&](size_t, size_t j) {
        return dataset.ForEachTurn(indices[j], [&](size_t k, std::string_view, std::string_view text) {
          if (k == 0) turns[j] = chars[j] = words[j] = 0;  // a repeated key: the last one counts
          ++turns[j];
          CountText(text, &chars[j], &words[j]);
        });
      },
      [&](size_t done) {
        if (bar) bar->Set(done);
      }));
  stats.turns = Summarize(std::move(turns));
  stats.chars = Summarize(std::move(chars));
  stats.words = Summarize(std::move(words));
  return stats;
}

std::string FormatStatsTable(const DatasetStats& stats) {
  std::string out = stats.path + " (" + stats.format.Name() + "): " + std::to_string(stats.records) + " records";
  if (stats.skipped > 0) out += " (" + std::to_string(stats.skipped) + " skipped)";
  out += ", " + std::to_string(stats.with_image) + " with an image, " + std::to_string(stats.text_only) +
         " text-only";
  if (stats.several_images > 0) out += ", " + std::to_string(stats.several_images) + " with several images";
  out += "\n\n";
  char line[160];
  std::snprintf(line, sizeof(line), "  %-24s %10s %8s\n", "source", "records", "share");
  out += line;
  std::vector<std::pair<std::string, size_t>> sources(stats.by_source.begin(), stats.by_source.end());
  std::stable_sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, count] : sources) {
    const double share = stats.records ? 100.0 * static_cast<double>(count) / static_cast<double>(stats.records) : 0;
    std::snprintf(line, sizeof(line), "  %-24s %10zu %7.2f%%\n", name.c_str(), count, share);
    out += line;
  }
  std::snprintf(line, sizeof(line), "\n  %-16s %10s %10s %10s %10s %12s\n", "per record", "min", "median", "p90",
                "max", "mean");
  out += line;
  out += Row("turns", stats.turns);
  out += Row("characters", stats.chars);
  out += Row("words", stats.words);
  return out;
}

std::string StatsToJson(const DatasetStats& stats) {
  nlohmann::json j = {{"path", stats.path},
                      {"format", {{"container", stats.format.container_name()}, {"schema", stats.format.schema_name()}}},
                      {"records", stats.records},
                      {"skipped", stats.skipped},
                      {"with_image", stats.with_image},
                      {"text_only", stats.text_only},
                      {"several_images", stats.several_images},
                      {"images", stats.images},
                      {"by_source", stats.by_source},
                      {"turns", DistributionJson(stats.turns)},
                      {"characters", DistributionJson(stats.chars)},
                      {"words", DistributionJson(stats.words)}};
  return j.dump();
}

}  // namespace xmas::data
