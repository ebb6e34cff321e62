// The order in which one epoch visits the examples, grouped by modality and
// length as LLaVA's group_by_modality_length does.
//
// Why: an image example costs many image tokens while a text-only one costs
// none, and padded batches of mixed lengths waste work. LLaVA therefore keeps
// image and text-only examples in separate mega-batches and sorts each
// mega-batch by length. Here a mega-batch is one optimizer step's worth of
// examples (batch_size * grad_accum): it is length-sorted (longest first) and
// cut into grad_accum micro-batches of similar length, the single-process
// counterpart of LLaVA splitting a mega-batch across GPUs.
//
// Unlike LLaVA, the two leftover partial mega-batches are NOT merged into a
// mixed one: every micro-batch is pure (all with image or all text-only).
// Full mega-batches of both modalities are shuffled together; the leftovers
// come last (image first).
//
// The order is a pure function of (lengths, has_image, sizes, seed, epoch), so
// a resumed run recomputes it instead of storing it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xmas::train {

// A small, portable, seedable generator (SplitMix64): the same seed gives the
// same sequence on every platform and standard library, unlike std::shuffle.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, n) without modulo bias; n > 0.
  uint64_t Below(uint64_t n);
  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

// Fisher-Yates shuffle of `items` driven by `rng`.
void Shuffle(std::vector<size_t>* items, SplitMix64* rng);

struct SamplerOptions {
  int64_t batch_size = 1;   // examples per micro-batch (forward pass)
  int64_t grad_accum = 1;   // micro-batches per optimizer step (mega-batch = product)
  uint64_t seed = 0;
  bool group_by_modality = true;  // false: one shuffled stream, no length sorting
};

// Micro-batches (lists of example indices) for epoch `epoch` (0-based).
// lengths[i]: a length estimate of example i (tokens or words); has_image[i]:
// its modality. Every index appears exactly once.
std::vector<std::vector<size_t>> EpochBatches(const std::vector<int64_t>& lengths,
                                              const std::vector<bool>& has_image,
                                              const SamplerOptions& options, int64_t epoch);

// Data parallelism: the micro-batches above are global (batch_size = the
// per-rank batch x world size) and rank `rank` takes the rank-th run of
// `per_rank` consecutive indices of each. The slices are disjoint and cover
// the micro-batch; at an epoch's end a short micro-batch leaves the last
// ranks a shorter or empty slice.
std::vector<size_t> RankSlice(const std::vector<size_t>& global, int rank, int64_t per_rank);

}  // namespace xmas::train
