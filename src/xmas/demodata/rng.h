// The generator's random numbers: SplitMix64, with its own integer and real
// draws, so a seed gives byte-identical output on every platform and
// standard library (std::uniform_int_distribution is implementation-defined).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "xmas/util/splitmix.h"

namespace xmas::demodata {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() { return SplitMix64Next(&state_); }
  // Uniform in [0, n); n > 0. (Modulo bias is below 2^-40 for our n.)
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  // Uniform in [0, 1).
  double Real() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  bool Chance(double p) { return Real() < p; }

  template <typename T>
  const T& Pick(const std::vector<T>& items) { return items[Below(static_cast<int>(items.size()))]; }

  template <typename T>
  void Shuffle(std::vector<T>* items) {
    for (size_t i = items->size(); i > 1; --i) std::swap((*items)[i - 1], (*items)[Below(static_cast<int>(i))]);
  }

  // An independent stream for a sub-task, so adding draws in one source
  // does not shift every other source.
  Rng Fork(uint64_t salt) { return Rng(Next() ^ (salt * 0xD1B54A32D192ED03ull)); }

 private:
  uint64_t state_;
};

}  // namespace xmas::demodata
