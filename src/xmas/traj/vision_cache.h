// Vision-tower features kept across checkpoints.
//
// LLaVA fine-tuning freezes the vision tower (docs/method.md §2 step 2), so every checkpoint
// of a proxy run yields the same image features: computing them once and
// reusing them for every checkpoint removes the tower from all but the first
// pass. The cache is keyed by a hash of the tower's weights; a checkpoint
// whose tower hashes differently (a run that trained it) clears the cache, so
// reuse never changes a value. Memory is bounded: entries beyond the budget
// are not kept and are recomputed when needed.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <unordered_map>

#include "xmas/model/model.h"

namespace xmas::traj {

// 64-bit hash of every vision-tower parameter's bytes (in float32), in
// parameter order; equal weights give equal hashes on any device.
uint64_t HashVisionWeights(const model::Model& model);

class VisionCache {
 public:
  explicit VisionCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // Makes the cache valid for weights with this hash: keeps the entries when
  // it matches the previous one, else drops them. Returns true if kept.
  bool UseWeights(uint64_t hash);

  // Features [P, Dv] of example `index` (CPU), or an undefined tensor.
  torch::Tensor Find(size_t index) const;
  // Stores a copy while under budget; returns whether it was kept.
  bool Insert(size_t index, const torch::Tensor& features);

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return used_; }
  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }

 private:
  size_t budget_;
  size_t used_ = 0;
  bool has_hash_ = false;
  uint64_t hash_ = 0;
  std::unordered_map<size_t, torch::Tensor> entries_;
  mutable size_t hits_ = 0, misses_ = 0;
};

}  // namespace xmas::traj
