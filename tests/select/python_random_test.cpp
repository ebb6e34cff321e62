// PythonRandom against values CPython 3.11 printed (Debian 12's python3):
//   random.seed(S); random.sample(range(N), K) / random.getrandbits(k)
#include <gtest/gtest.h>

#include <algorithm>

#include "xmas/select/python_random.h"

namespace xmas::select {
namespace {

TEST(PythonRandom, SampleMatchesCPythonOnThePoolAndTheSetPath) {
  // n <= setsize: CPython samples from a pool list.
  EXPECT_EQ(PythonRandom(1234).Sample(10, 10), (std::vector<size_t>{7, 1, 0, 9, 4, 6, 5, 3, 8, 2}));
  EXPECT_EQ(PythonRandom(99).Sample(30, 6), (std::vector<size_t>{12, 29, 6, 19, 5, 7}));
  // n > setsize: it draws indices and rejects repeats with a set.
  EXPECT_EQ(PythonRandom(1234).Sample(1000, 8), (std::vector<size_t>{989, 796, 451, 119, 7, 92, 932, 965}));
  EXPECT_EQ(PythonRandom(0).Sample(100000, 12),
            (std::vector<size_t>{50494, 99346, 55125, 5306, 33936, 67013, 63691, 53075, 39755, 62468, 46930,
                                 76465}));
}

TEST(PythonRandom, GetRandBitsAndMultiWordSeeds) {
  PythonRandom r((uint64_t{1} << 40) + 5);  // a seed of two 32-bit words
  EXPECT_EQ(r.GetRandBits(1), 1u);
  EXPECT_EQ(r.GetRandBits(7), 66u);
  EXPECT_EQ(r.GetRandBits(32), 1153647273u);
  EXPECT_EQ(r.GetRandBits(33), 7145959170u);
  EXPECT_EQ(r.GetRandBits(64), 9794469135332508808u);
}

TEST(PythonRandom, SampleIsAPermutationPrefix) {
  PythonRandom r(7);
  const auto s = r.Sample(50, 50);
  std::vector<size_t> sorted = s;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_TRUE(PythonRandom(7).Sample(5, 0).empty());
}

}  // namespace
}  // namespace xmas::select
