// Progress reporting for long loops.
//
//   Progress bar("parse", records.size(), "rec");
//   for (...) { ...; bar.Add(1); }
//   bar.Finish();
//
// On a terminal it draws a live bar on stderr (percent, count, rate, ETA and
// an optional postfix such as the loss). When stderr is not a terminal it
// writes a log line every `interval_seconds` instead, so logs of batch jobs
// stay readable. Nothing is printed when the log level is above info
// (--quiet). Not thread-safe: one owner thread calls Add/Set.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace xmas {

class Progress {
 public:
  // total == 0 means unknown: the bar shows count and rate only.
  Progress(std::string label, uint64_t total, std::string unit = "it");
  ~Progress();  // calls Finish() if not yet called
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(uint64_t n = 1) { Set(done_ + n); }
  void Set(uint64_t done);
  // Free text shown after the numbers, e.g. "loss 1.234 lr 2e-5".
  void SetPostfix(std::string postfix);
  // Prints the final line (count, elapsed time, mean rate).
  void Finish();

  uint64_t done() const { return done_; }
  double ElapsedSeconds() const;

  // Seconds between log lines when stderr is not a terminal (default 10).
  static void SetLogInterval(double seconds);

 private:
  std::string Render(bool final_line) const;
  void MaybeDraw();

  std::string label_;
  uint64_t total_;
  std::string unit_;
  std::string postfix_;
  uint64_t done_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1:02:03" or "2:03" for a duration in seconds.
std::string FormatDuration(double seconds);

}  // namespace xmas
