// A compact, insertion-ordered set of string keys (the authors' unique_idx).
//
// 665,000 keys as std::string plus an unordered_map would cost ~100 MB; the
// keys here live in one byte arena with an open-addressing table of row
// numbers (~12 bytes per key beyond the text), which keeps `xmas select` on
// the full LLaVA-665k inside its memory target.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xmas::select {

class KeyTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Appends `key` and returns its row, or kNone if it is already present
  // (the row of the earlier copy is then in *existing when given).
  uint32_t Insert(std::string_view key, uint32_t* existing = nullptr);
  // Row of `key`, or kNone.
  uint32_t Find(std::string_view key) const;

  size_t size() const { return offsets_.size() - 1; }
  std::string_view key(size_t row) const {
    return std::string_view(arena_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  // Room for `keys` keys of `bytes` bytes in all, so inserting them never
  // rehashes.
  void Reserve(size_t keys, size_t bytes);

 private:
  uint32_t* Slot(std::string_view key, uint64_t hash);
  const uint32_t* Slot(std::string_view key, uint64_t hash) const;
  void Rehash(size_t slots);  // a power of two above twice size()

  std::string arena_;
  std::vector<uint64_t> offsets_{0};
  std::vector<uint32_t> slots_;  // power-of-two table of rows, kNone = empty
};

// A fast 64-bit string hash for the table (in memory only: never stored, so
// it may change between versions).
uint64_t HashKey(std::string_view key);

}  // namespace xmas::select
