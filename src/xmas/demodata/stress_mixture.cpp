#include "xmas/demodata/stress_mixture.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "xmas/demodata/mixture.h"

namespace xmas::demodata {

const std::vector<StressTask>& StressTasks() {
  static const std::vector<StressTask> kTasks = {
      {"fmnist-probe", "fmnist", 0.28, true},      {"fmnist-group", "fmnist", 0.12, true},
      {"scene-spatial", "scenes", 0.16, true},     {"fmnist-item", "fmnist", 0.05, false},
      {"fmnist-group-name", "fmnist", 0.03, false}, {"fmnist-caption", "fmnist", 0.03, false},
      {"scene-count", "scenes", 0.05, false},      {"scene-count-kind", "scenes", 0.03, false},
      {"scene-color", "scenes", 0.05, false},      {"scene-caption", "scenes", 0.03, false},
      {"ocr-read", "ocr", 0.06, false},            {"scene-detail", "scene-detail", 0.03, false},
      {"text-arithmetic", "text", 0.04, false},    {"text-word", "text", 0.04, false},
  };
  return kTasks;
}

int StressRecordsFor(const std::string& task, int total) {
  const auto& tasks = StressTasks();
  std::vector<double> shares;
  for (const StressTask& t : tasks) shares.push_back(t.share);
  const std::vector<int> counts = SplitCounts(shares, total);
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (task == tasks[i].task) return counts[i];
  }
  return 0;
}

void AddCopyGroups(int copies, int min_copies, int max_copies, Rng* rng, std::vector<DemoRecord>* records) {
  const int originals = static_cast<int>(records->size());
  std::vector<int> order(originals);
  std::iota(order.begin(), order.end(), 0);
  rng->Shuffle(&order);
  for (size_t next = 0; copies > 0 && originals > 0; ++next) {
    const DemoRecord base = (*records)[order[next % originals]];
    const int n = std::min(copies, rng->Between(min_copies, max_copies));
    for (int c = 0; c < n; ++c) {
      records->push_back(base);
      records->back().exact_duplicate = true;
      records->back().near_duplicate = false;  // counted once, as an exact duplicate
    }
    copies -= n;
  }
}

namespace {

// One task's unique records and paraphrases (`paraphrases` of `count`).
std::vector<DemoRecord> TaskRecords(const StressSources& s, const StressTask& t, int count, int paraphrases) {
  // BuildWithRedundancy truncates count * fraction; half a record more keeps the exact number.
  const double near = count > 0 ? (paraphrases + 0.5) / count : 0;
  const std::string source = t.source;
  if (source == "fmnist") return s.fashion->TrainTask(t.task, count, near);
  if (source == "scenes") return s.scenes->TrainTask(t.task, count, near);
  if (source == "ocr") return s.ocr->TrainRead(count, near);
  if (source == "scene-detail") return s.scenes->Detail(count);
  return s.text->TrainTask(t.task, count);
}

bool CanParaphrase(const StressTask& t) {
  const std::string source = t.source;
  return source == "fmnist" || source == "scenes" || source == "ocr";
}

}  // namespace

std::vector<DemoRecord> StressTrain(const StressSources& sources, int total, const StressRedundancy& r, Rng* rng) {
  std::vector<DemoRecord> out;
  for (const StressTask& t : StressTasks()) {
    const int n = StressRecordsFor(t.task, total);
    const int copies = static_cast<int>(std::lround(n * r.exact_copies));
    const int paraphrases = CanParaphrase(t) ? static_cast<int>(std::lround(n * r.paraphrases)) : 0;
    std::vector<DemoRecord> records = TaskRecords(sources, t, n - copies, paraphrases);
    ApplyLabelNoise(r.label_noise, rng, &records);
    AddCopyGroups(copies, r.copies_min, r.copies_max, rng, &records);
    out.insert(out.end(), std::make_move_iterator(records.begin()), std::make_move_iterator(records.end()));
  }
  return out;
}

}  // namespace xmas::demodata
