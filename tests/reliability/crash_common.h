// Shared pieces of the kill -9 tests: the toy data and micro-model flags of
// the trainer tests (tests/train/toy_data.h), one uninterrupted reference
// run of `xmas train` and `xmas trajectories`, and file comparisons.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "toy_data.h"

namespace xmas::reliability {

// `xmas train` on the toy data into dir/<run>: micro model, 1 thread,
// 10 steps, a checkpoint every 2 steps.
std::vector<std::string> TrainArgs(const train::testing::ToyData& toy, const std::string& run);
// `xmas trajectories` over every checkpoint of `run_dir` into `out`.
std::vector<std::string> TrajectoriesArgs(const train::testing::ToyData& toy, const std::string& run_dir,
                                          const std::string& out);

struct Reference {
  std::unique_ptr<train::testing::ToyData> toy;
  std::string train_run;       // toy->dir + "/ref": the uninterrupted training run
  double train_seconds = 0;    // its wall time
  std::string store;           // toy->dir + "/ref_store": trajectories of train_run
  double store_seconds = 0;
};
// Built once per process; fails the calling test on error.
const Reference& GetReference();

// Every regular file under `dir` (relative path -> bytes), leaving out
// unfinished atomic writes ("*.tmp-*", see TempFilesUnder).
std::map<std::string, std::string> FilesUnder(const std::string& dir);
// Relative paths of what unfinished atomic writes left ("*.tmp-*"): a kill
// leaves them; they are litter, not outputs (RELIABILITY.md, known gaps).
std::vector<std::string> TempFilesUnder(const std::string& dir);
// Lines of a text file (0 if missing).
size_t CountLines(const std::string& path);

}  // namespace xmas::reliability
