// Stage timings for the selection report: wall seconds, and the process's
// CPU seconds (all threads) under "cpu:<stage>", since on a shared machine
// the wall time says more about the load than about the program.
#pragma once

#include <time.h>

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
    const double cpu = Cpu();
    out->emplace_back(stage, std::chrono::duration<double>(now - last_).count());
    out->emplace_back("cpu:" + stage, cpu - last_cpu_);
    last_ = now;
    last_cpu_ = cpu;
  }

 private:
  static double Cpu() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  double last_cpu_ = Cpu();
};

}  // namespace xmas::select
