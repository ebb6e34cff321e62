// Wall-clock stage timings for the selection report.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace xmas::select {

class Stopwatch {
 public:
  // Records the seconds since the previous Lap (or construction) as `stage`.
  void Lap(const std::string& stage, std::vector<std::pair<std::string, double>>* out) {
    const auto now = std::chrono::steady_clock::now();
    out->emplace_back(stage, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace xmas::select
