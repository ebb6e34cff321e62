#include "xmas/select/key_table.h"

#include <cstring>

namespace xmas::select {

uint64_t HashKey(std::string_view key) {
  // Eight bytes per step (keys are ~20-40 bytes; byte-wise FNV-1a was 6% of
  // `xmas select` on 665k keys), then a final avalanche for the low bits the
  // table masks with.
  uint64_t h = 0x9e3779b97f4a7c15ull ^ key.size();
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, key.data() + i, 8);
    h = (h ^ word) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, key.data() + i, key.size() - i);
  h = (h ^ tail) * 0x94d049bb133111ebull;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

void KeyTable::Reserve(size_t keys, size_t bytes) {
  arena_.reserve(bytes);
  offsets_.reserve(keys + 1);
  size_t slots = 1024;
  while (slots < 2 * (keys + 1)) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
}

const uint32_t* KeyTable::Slot(std::string_view key, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint32_t row = slots_[i];
    if (row == kNone || this->key(row) == key) return &slots_[i];
  }
}

uint32_t* KeyTable::Slot(std::string_view key, uint64_t hash) {
  return const_cast<uint32_t*>(static_cast<const KeyTable*>(this)->Slot(key, hash));
}

void KeyTable::Rehash(size_t slots) {
  slots_.assign(slots, kNone);
  for (uint32_t row = 0; row < size(); ++row) *Slot(key(row), HashKey(key(row))) = row;
}

uint32_t KeyTable::Insert(std::string_view key, uint32_t* existing) {
  if ((size() + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 1024 : slots_.size() * 2);
  uint32_t* slot = Slot(key, HashKey(key));
  if (*slot != kNone) {
    if (existing != nullptr) *existing = *slot;
    return kNone;
  }
  const uint32_t row = static_cast<uint32_t>(size());
  arena_.append(key);
  offsets_.push_back(arena_.size());
  *slot = row;
  return row;
}

uint32_t KeyTable::Find(std::string_view key) const {
  if (slots_.empty()) return kNone;
  return *Slot(key, HashKey(key));
}

}  // namespace xmas::select
