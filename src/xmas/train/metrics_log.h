// RUN/metrics.jsonl: one JSON object per optimizer step, appended and flushed
// as training goes so a crashed or running job can be plotted.
//
//   {"step":12,"epoch":0,"loss":2.31,"lr":1.9e-5,"grad_norm":0.84,
//    "tokens":4096,"seconds":3.2}
//
// `step` counts optimizer updates from 1; `tokens` and `seconds` are
// cumulative (non-padding input tokens fed, wall seconds spent training).
// On --resume the log is first cut back to the resumed step, so the file
// of a resumed run equals that of an uninterrupted one (timings aside).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::train {

struct MetricsRow {
  int64_t step = 0;
  int64_t epoch = 0;
  double loss = 0;
  double lr = 0;
  double grad_norm = 0;
  int64_t tokens = 0;
  double seconds = 0;
};

class MetricsLog {
 public:
  MetricsLog() = default;
  ~MetricsLog();
  MetricsLog(MetricsLog&& other) noexcept;
  MetricsLog& operator=(MetricsLog&& other) noexcept;

  // Opens `path` for appending. keep_through_step < 0 starts a new file;
  // otherwise rows with step > keep_through_step are dropped first (atomically).
  static Result<MetricsLog> Open(const std::string& path, int64_t keep_through_step);

  Status Append(const MetricsRow& row);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Reads every row of a metrics.jsonl file (for tests and reports). Errors
// name the file and the 1-based line.
Result<std::vector<MetricsRow>> ReadMetrics(const std::string& path);

}  // namespace xmas::train
