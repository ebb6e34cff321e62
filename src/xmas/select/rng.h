// A small, platform-independent random generator for selection.
//
// std::uniform_int_distribution and std::shuffle differ between standard
// libraries; a selection must be reproducible from its seed everywhere, so
// every random choice in select/ goes through this generator
// (xoshiro256** seeded with SplitMix64, unbiased bounded draws).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xmas::select {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [0, 1).
  double Uniform();
  // Moves a uniform random sample of `count` items to the front of `items`
  // (partial Fisher–Yates), in sample order.
  template <typename T>
  void SampleToFront(std::vector<T>* items, size_t count) {
    for (size_t i = 0; i < count && i + 1 < items->size(); ++i) {
      const size_t j = i + static_cast<size_t>(Below(items->size() - i));
      std::swap((*items)[i], (*items)[j]);
    }
  }

 private:
  uint64_t s_[4];
};

}  // namespace xmas::select
