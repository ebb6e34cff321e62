#include "xmas/select/key_table.h"

namespace xmas::select {

uint64_t HashKey(std::string_view key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

void KeyTable::Reserve(size_t keys, size_t bytes) {
  arena_.reserve(bytes);
  offsets_.reserve(keys + 1);
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

void KeyTable::Grow() {
  std::vector<uint32_t> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, kNone);
  for (uint32_t row : old) {
    if (row != kNone) *Slot(key(row), HashKey(key(row))) = row;
  }
}

uint32_t KeyTable::Insert(std::string_view key, uint32_t* existing) {
  if ((size() + 1) * 2 > slots_.size()) Grow();
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
