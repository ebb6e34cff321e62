#include "xmas/train/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace xmas::train {
namespace {

struct Data {
  std::vector<int64_t> lengths;
  std::vector<bool> has_image;
};

// 23 image examples and 14 text-only ones, interleaved, varied lengths.
Data MixedData() {
  Data d;
  for (int i = 0; i < 37; ++i) {
    d.lengths.push_back((i * 7919) % 53 + 1);
    d.has_image.push_back(i % 8 < 5);
  }
  return d;
}

TEST(Sampler, EveryExampleOnceAndBatchesArePure) {
  Data d = MixedData();
  SamplerOptions o;
  o.batch_size = 3;
  o.grad_accum = 2;
  o.seed = 7;
  auto batches = EpochBatches(d.lengths, d.has_image, o, 0);
  std::multiset<size_t> seen;
  for (const auto& b : batches) {
    ASSERT_FALSE(b.empty());
    ASSERT_LE(b.size(), 3u);
    for (size_t i : b) {
      seen.insert(i);
      EXPECT_EQ(d.has_image[i], d.has_image[b[0]]) << "a micro-batch mixes modalities";
    }
  }
  ASSERT_EQ(seen.size(), d.lengths.size());
  for (size_t i = 0; i < d.lengths.size(); ++i) EXPECT_EQ(seen.count(i), 1u);
}

TEST(Sampler, MegaBatchesAreLengthSortedAndAligned) {
  Data d = MixedData();
  SamplerOptions o;
  o.batch_size = 2;
  o.grad_accum = 3;
  auto batches = EpochBatches(d.lengths, d.has_image, o, 0);
  // The full mega-batches come first, 3 micro-batches of 2 each: inside one,
  // lengths never increase and the modality is the same.
  const size_t full = 23 / 6 + 14 / 6;
  for (size_t m = 0; m < full; ++m) {
    std::vector<size_t> mega;
    for (size_t k = 0; k < 3; ++k) {
      const auto& b = batches[m * 3 + k];
      ASSERT_EQ(b.size(), 2u);
      mega.insert(mega.end(), b.begin(), b.end());
    }
    for (size_t k = 1; k < mega.size(); ++k) {
      EXPECT_GE(d.lengths[mega[k - 1]], d.lengths[mega[k]]);
      EXPECT_EQ(d.has_image[mega[k - 1]], d.has_image[mega[k]]);
    }
  }
}

TEST(Sampler, SameSeedSameOrderOtherSeedOrEpochDiffers) {
  Data d = MixedData();
  SamplerOptions o;
  o.batch_size = 4;
  o.seed = 3;
  auto a = EpochBatches(d.lengths, d.has_image, o, 0);
  EXPECT_EQ(a, EpochBatches(d.lengths, d.has_image, o, 0));
  EXPECT_NE(a, EpochBatches(d.lengths, d.has_image, o, 1));
  o.seed = 4;
  EXPECT_NE(a, EpochBatches(d.lengths, d.has_image, o, 0));
}

TEST(Sampler, UngroupedIsOneShuffledStream) {
  Data d = MixedData();
  SamplerOptions o;
  o.batch_size = 37;
  o.group_by_modality = false;
  auto batches = EpochBatches(d.lengths, d.has_image, o, 0);
  ASSERT_EQ(batches.size(), 1u);
  std::vector<size_t> sorted = batches[0];
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NE(sorted, batches[0]);  // shuffled
}

TEST(Sampler, SplitMixIsPortableAndUnbiasedRange) {
  SplitMix64 rng(0);
  // Reference value of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
  EXPECT_EQ(rng.Next(), 0xE220A8397B1DCDAFull);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(rng.Below(7), 7u);
}

}  // namespace
}  // namespace xmas::train
