// The stress mixture (`xmas demo-data --profile stress`): a training set
// built so that a selection method has something to get right or wrong.
// Tasks are imbalanced (yes/no probes are 56% of the records, every
// learnable task 3-6%), a large share of records are exact copies in groups
// of many, some are paraphrases, and more than 10% carry a wrong answer.
// Every record has one turn and one task, so truth.json can say exactly what
// each record is (docs/demo-data.md).
#pragma once

#include <string>
#include <vector>

#include "xmas/demodata/fashion_source.h"
#include "xmas/demodata/ocr_source.h"
#include "xmas/demodata/record.h"
#include "xmas/demodata/scene_source.h"
#include "xmas/demodata/text_source.h"

namespace xmas::demodata {

struct StressTask {
  const char* task;    // e.g. "fmnist-probe" (a name a source's TrainTask knows)
  const char* source;  // fmnist, scenes, ocr, scene-detail or text
  double share;        // of the training records, copies included
  bool yes_no;         // answered "Yes" or "No"
};

// In generation order; the shares sum to 1.
const std::vector<StressTask>& StressTasks();

// Redundancy of every task, as fractions of the task's records. Tasks
// without a paraphrase (scene-detail, text-*) or a wrong answer
// (captions, scene-detail) get none of that kind.
struct StressRedundancy {
  double exact_copies = 0.30;  // extra copies of a record (same id and image)
  double paraphrases = 0.10;   // same image, question reworded, new id "-p<n>"
  double label_noise = 0.15;   // a record's answer replaced by a plausible wrong one
  int copies_min = 4;          // each copied record gets this many copies ...
  int copies_max = 16;         // ... to this many (the last group may get fewer)
};

// Records of `task` in a stress set of `total` (the last task takes the
// rounding remainder so the counts add up exactly); 0 for an unknown task.
int StressRecordsFor(const std::string& task, int total);

struct StressSources {
  FashionSource* fashion;
  SceneSource* scenes;
  OcrSource* ocr;
  TextSource* text;
};

// The `total` training records, task after task (not shuffled): per task
// its unique records and paraphrases, label noise on those, then copy
// groups. `rng` draws the noise and the copies.
std::vector<DemoRecord> StressTrain(const StressSources& sources, int total, const StressRedundancy& redundancy,
                                    Rng* rng);

// Appends `copies` exact copies of the records in `records`: a record drawn
// without replacement gets Between(min, max) copies (fewer for the last),
// then the next. Copies keep the id and are marked exact_duplicate.
void AddCopyGroups(int copies, int min_copies, int max_copies, Rng* rng, std::vector<DemoRecord>* records);

}  // namespace xmas::demodata
