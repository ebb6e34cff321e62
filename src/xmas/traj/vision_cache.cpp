#include "xmas/traj/vision_cache.h"

#include <cstring>

namespace xmas::traj {

namespace {

// Word-wise multiply-xorshift mix (fast; not cryptographic: it detects
// changed weights, it does not defend against crafted ones).
uint64_t Mix(uint64_t h, uint64_t word) {
  h ^= word + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

}  // namespace

uint64_t HashVisionWeights(const model::Model& model) {
  uint64_t h = 0x84222325cbf29ce4ull;
  for (const torch::Tensor& p : model.VisionParameters()) {
    torch::Tensor t = p.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
    const size_t n = t.numel() * sizeof(float);
    h = Mix(h, n);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, bytes + i, 8);
      h = Mix(h, w);
    }
    for (; i < n; ++i) h = Mix(h, bytes[i]);
  }
  return h;
}

bool VisionCache::UseWeights(uint64_t hash) {
  const bool keep = has_hash_ && hash == hash_;
  if (!keep) {
    entries_.clear();
    used_ = 0;
  }
  has_hash_ = true;
  hash_ = hash;
  return keep;
}

torch::Tensor VisionCache::Find(size_t index) const {
  auto it = entries_.find(index);
  if (it == entries_.end()) {
    ++misses_;
    return torch::Tensor();
  }
  ++hits_;
  return it->second;
}

bool VisionCache::Insert(size_t index, const torch::Tensor& features) {
  const size_t bytes = features.numel() * features.element_size();
  if (entries_.count(index) || used_ + bytes > budget_) return false;
  entries_[index] = features.detach().to(torch::kCPU).clone();
  used_ += bytes;
  return true;
}

}  // namespace xmas::traj
