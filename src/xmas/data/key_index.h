// A compact open-addressing hash index from string keys to record indices,
// used for unique_idx (665k keys: a std::unordered_map costs a node
// allocation and two cache misses per key; this costs one 8-byte slot).
// Keys are not stored: the caller's `key_of(index)` returns them. An
// implementation detail of Dataset.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace xmas::data {

class KeyIndex {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // Empties the index and sizes it for `n` keys (load factor <= 1/2).
  void Reset(size_t n) {
    size_t capacity = 16;
    while (capacity < 2 * n) capacity <<= 1;
    slots_.assign(capacity, 0);
  }

  // Adds `index` under `key` unless the key is present; returns the index
  // already stored under it, or kNone when added.
  template <typename KeyOf>
  size_t Insert(std::string_view key, size_t index, const KeyOf& key_of) {
    const uint64_t hash = std::hash<std::string_view>()(key);
    const uint64_t tag = hash >> 32;
    const size_t mask = slots_.size() - 1;
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
      const uint64_t slot = slots_[s];
      if (slot == 0) {
        slots_[s] = (tag << 32) | (static_cast<uint64_t>(index) + 1);
        return kNone;
      }
      const size_t stored = static_cast<size_t>((slot & 0xffffffffu) - 1);
      if ((slot >> 32) == tag && key_of(stored) == key) return stored;
    }
  }

  template <typename KeyOf>
  size_t Find(std::string_view key, const KeyOf& key_of) const {
    if (slots_.empty()) return kNone;
    const uint64_t hash = std::hash<std::string_view>()(key);
    const uint64_t tag = hash >> 32;
    const size_t mask = slots_.size() - 1;
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
      const uint64_t slot = slots_[s];
      if (slot == 0) return kNone;
      const size_t stored = static_cast<size_t>((slot & 0xffffffffu) - 1);
      if ((slot >> 32) == tag && key_of(stored) == key) return stored;
    }
  }

 private:
  std::vector<uint64_t> slots_;  // 0: empty; else (hash >> 32) << 32 | (index + 1)
};

}  // namespace xmas::data
