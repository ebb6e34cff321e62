// The text-only source (about 6% of the mixture, like LLaVA-665k's
// ShareGPT share): arithmetic and word manipulation, no image.
#pragma once

#include <string>
#include <vector>

#include "xmas/demodata/record.h"
#include "xmas/demodata/rng.h"

namespace xmas::demodata {

class TextSource {
 public:
  explicit TextSource(uint64_t seed) : rng_(seed) {}

  std::vector<DemoRecord> Train(int count);
  // `count` one-turn records of task "text-arithmetic" or "text-word".
  std::vector<DemoRecord> TrainTask(const std::string& task, int count);
  // The text-only benchmark (exact match; fresh operands and words).
  std::vector<DemoRecord> Bench(int count);

 private:
  QA Arithmetic();
  QA WordTask(const std::vector<std::string>& words);

  Rng rng_;
};

}  // namespace xmas::demodata
