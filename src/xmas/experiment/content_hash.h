// Content hashes for the experiment cache (step_cache.h): SHA-256 of bytes,
// files and directory trees, as lowercase hex.
//
// Why SHA-256 and not a fast 64-bit hash: a cache key decides whether hours
// of training are skipped, so an accidental collision must be out of the
// question; hashing costs ~2 s per GB here, small next to any step it guards.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "xmas/util/status.h"

namespace xmas::experiment {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  // Adds a length-prefixed field so ("ab","c") and ("a","bc") hash apart.
  void AddField(std::string_view bytes);
  // The digest as 64 hex characters; the hasher must not be used afterwards.
  std::string HexDigest();

 private:
  void Block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::string Sha256Hex(std::string_view bytes);

// Hash of a file's bytes. Errors name the file.
Result<std::string> HashFile(const std::string& path);

// Hash of a file, or of a directory tree: every regular file below it in
// sorted relative-path order, each as (relative path, content hash). Hidden
// entries (names starting with '.') are skipped: they hold stamps and
// temporaries, not outputs.
Result<std::string> HashPath(const std::string& path);

}  // namespace xmas::experiment
