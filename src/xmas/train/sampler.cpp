#include "xmas/train/sampler.h"

#include <algorithm>

#include "xmas/util/splitmix.h"

namespace xmas::train {

uint64_t SplitMix64::Next() { return SplitMix64Next(&state_); }

uint64_t SplitMix64::Below(uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // reject the biased tail
  uint64_t x;
  do {
    x = Next();
  } while (x >= limit);
  return x % n;
}

void Shuffle(std::vector<size_t>* items, SplitMix64* rng) {
  for (size_t i = items->size(); i > 1; --i) {
    std::swap((*items)[i - 1], (*items)[rng->Below(i)]);
  }
}

namespace {

using Batch = std::vector<size_t>;

// Shuffles `pool`, cuts it into mega-batches of `mega` indices, sorts each by
// length (longest first, ties by index for determinism).
std::vector<Batch> MegaBatches(Batch pool, const std::vector<int64_t>& lengths, size_t mega,
                               bool sort_by_length, SplitMix64* rng) {
  Shuffle(&pool, rng);
  std::vector<Batch> out;
  for (size_t start = 0; start < pool.size(); start += mega) {
    Batch b(pool.begin() + start, pool.begin() + std::min(pool.size(), start + mega));
    if (sort_by_length) {
      std::stable_sort(b.begin(), b.end(), [&](size_t x, size_t y) { return lengths[x] > lengths[y]; });
    }
    out.push_back(std::move(b));
  }
  return out;
}

// Cuts a mega-batch into consecutive micro-batches of `size` indices.
void AppendMicroBatches(const Batch& mega, size_t size, std::vector<Batch>* out) {
  for (size_t start = 0; start < mega.size(); start += size) {
    out->emplace_back(mega.begin() + start, mega.begin() + std::min(mega.size(), start + size));
  }
}

}  // namespace

std::vector<std::vector<size_t>> EpochBatches(const std::vector<int64_t>& lengths,
                                              const std::vector<bool>& has_image,
                                              const SamplerOptions& options, int64_t epoch) {
  const size_t micro = static_cast<size_t>(std::max<int64_t>(1, options.batch_size));
  const size_t mega = micro * static_cast<size_t>(std::max<int64_t>(1, options.grad_accum));
  // One independent stream per epoch, derived from (seed, epoch).
  SplitMix64 rng(options.seed * 0x2545F4914F6CDD1Dull + static_cast<uint64_t>(epoch) + 1);

  std::vector<Batch> pools(options.group_by_modality ? 2 : 1);
  for (size_t i = 0; i < lengths.size(); ++i) {
    pools[options.group_by_modality && !has_image[i] ? 1 : 0].push_back(i);
  }
  std::vector<Batch> full, leftovers;
  for (auto& pool : pools) {
    if (pool.empty()) continue;
    auto megas = MegaBatches(std::move(pool), lengths, mega, options.group_by_modality, &rng);
    if (megas.back().size() < mega) {
      leftovers.push_back(std::move(megas.back()));
      megas.pop_back();
    }
    for (auto& m : megas) full.push_back(std::move(m));
  }
  // Shuffle the order of the full mega-batches of both modalities together.
  std::vector<size_t> order(full.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Shuffle(&order, &rng);

  std::vector<Batch> batches;
  for (size_t i : order) AppendMicroBatches(full[i], micro, &batches);
  for (const auto& m : leftovers) AppendMicroBatches(m, micro, &batches);
  return batches;
}

std::vector<size_t> RankSlice(const std::vector<size_t>& global, int rank, int64_t per_rank) {
  const size_t begin = std::min(global.size(), static_cast<size_t>(rank) * static_cast<size_t>(per_rank));
  const size_t end = std::min(global.size(), begin + static_cast<size_t>(per_rank));
  return std::vector<size_t>(global.begin() + begin, global.begin() + end);
}

}  // namespace xmas::train
