// SplitMix64 (Steele, Lea & Flood 2014; Vigna's splitmix64.c): the one step
// every seeded generator here is built on (select's xoshiro seeding, the
// trainer's sampler, the demo data), so a seed means the same on every
// platform and standard library.
#pragma once

#include <cstdint>

namespace xmas {

// Advances *state by the golden-ratio increment and returns the mixed value.
inline uint64_t SplitMix64Next(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace xmas
