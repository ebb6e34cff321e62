#include "xmas/eval/majority_baseline.h"

#include <map>

namespace xmas::eval {

Result<MajorityBaseline> MajorityAnswerBaseline(const BenchFile& file) {
  if (file.items.empty()) return Status::InvalidInput(file.path + ": no items for a majority-answer baseline");
  std::map<std::string, std::pair<size_t, std::string>> by_answer;  // normalised -> count, first text
  for (const BenchItem& item : file.items) {
    if (item.gold.answers.empty()) continue;
    auto& entry = by_answer[NormalizeAnswer(item.gold.answers.front())];
    if (entry.first++ == 0) entry.second = item.gold.answers.front();
  }
  MajorityBaseline b;
  size_t best = 0;
  for (const auto& [normalised, entry] : by_answer) {  // ascending: ties keep the smallest
    if (entry.first > best) {
      best = entry.first;
      b.answer = entry.second;
    }
  }
  std::map<Metric, MetricAccumulator> acc;
  for (size_t i = 0; i < file.items.size(); ++i) {
    const BenchItem& item = file.items[i];
    auto it = acc.emplace(item.metric, MetricAccumulator(item.metric)).first;
    auto score = it->second.Add(b.answer, item.gold);
    if (!score.ok()) {
      return Status::InvalidInput(file.path + ": record " + std::to_string(i) + " (id '" + item.id +
                                  "'): field 'answer': " + score.status().message());
    }
  }
  double sum = 0;
  for (const auto& entry : acc) {
    b.count += entry.second.count();
    sum += entry.second.Score() * entry.second.count();
  }
  b.score = b.count ? sum / b.count : 0;
  return b;
}

}  // namespace xmas::eval
