#include "xmas/demodata/mixture.h"

#include <cmath>
#include <cstring>

namespace xmas::demodata {

const std::vector<SourceShare>& TrainMixture() {
  static const std::vector<SourceShare> kMix = {
      {"fmnist", 0.42, {0.06, 0.12, 0.03}},
      {"scenes", 0.30, {0.06, 0.12, 0.03}},
      {"ocr", 0.14, {0.02, 0.05, 0.03}},
      {"scene-detail", 0.08, {}},
      {"text", 0.06, {}},
  };
  return kMix;
}

const std::vector<std::pair<const char*, double>>& PretrainMixture() {
  static const std::vector<std::pair<const char*, double>> kMix = {
      {"fmnist", 0.4}, {"scenes", 0.4}, {"ocr", 0.2}};
  return kMix;
}

const std::vector<std::pair<const char*, const char*>>& Benchmarks() {
  static const std::vector<std::pair<const char*, const char*>> kBench = {
      {"fmnist-item", "exact_match"},  {"fmnist-pope", "yes_no"},
      {"fmnist-choice", "multiple_choice"}, {"scene-count", "exact_match"},
      {"scene-color", "exact_match"},  {"scene-spatial", "yes_no"},
      {"ocr", "exact_match"},          {"caption", "token_f1"},
      {"text", "exact_match"}};
  return kBench;
}

std::vector<int> SplitCounts(const std::vector<double>& fractions, int total) {
  std::vector<int> counts;
  int assigned = 0;
  for (size_t i = 0; i < fractions.size(); ++i) {
    const int n = i + 1 == fractions.size() ? total - assigned : static_cast<int>(std::lround(fractions[i] * total));
    counts.push_back(n);
    assigned += n;
  }
  return counts;
}

int RecordsFor(const char* source, int total) {
  const auto& mix = TrainMixture();
  std::vector<double> fractions;
  for (const SourceShare& s : mix) fractions.push_back(s.fraction);
  const std::vector<int> counts = SplitCounts(fractions, total);
  for (size_t i = 0; i < mix.size(); ++i) {
    if (std::strcmp(mix[i].source, source) == 0) return counts[i];
  }
  return 0;
}

}  // namespace xmas::demodata
