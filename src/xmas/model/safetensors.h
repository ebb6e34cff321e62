// The safetensors file format, read and written by hand (no libtorch here):
//
//   [8 bytes: header length N, little-endian u64][N bytes: JSON header]
//   [data: raw little-endian tensor bytes]
//   header = {"<name>": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]},
//             ..., "__metadata__": {"k": "v"}}   offsets relative to the data start
//
// Reading never trusts the file: the header length is capped (default
// 100 MB) and must fit the file, every tensor's offsets must lie inside the
// data section, match dtype size x shape exactly (no overflow) and not
// overlap another tensor. Errors name the file and the tensor.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::model {

// Bytes per element of a safetensors dtype name ("F32", "F16", "BF16",
// "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"); 0 if unknown.
int64_t SafetensorsDtypeSize(const std::string& dtype);

struct SafetensorsEntry {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t offset = 0;  // absolute position in the file
  uint64_t nbytes = 0;
  int64_t numel() const;
};

struct SafetensorsHeader {
  std::string path;
  uint64_t file_size = 0;
  std::vector<SafetensorsEntry> tensors;  // in file-offset order
  std::map<std::string, std::string> metadata;
  const SafetensorsEntry* Find(const std::string& name) const;  // nullptr if absent
};

constexpr uint64_t kMaxSafetensorsHeader = 100ull << 20;

// Reads and checks the header of `path` (see above).
Result<SafetensorsHeader> ReadSafetensorsHeader(const std::string& path,
                                                uint64_t max_header_bytes = kMaxSafetensorsHeader);

// Reads tensor payloads of one file. Keeps the file open.
class SafetensorsReader {
 public:
  SafetensorsReader() = default;
  ~SafetensorsReader();
  SafetensorsReader(const SafetensorsReader&) = delete;
  SafetensorsReader& operator=(const SafetensorsReader&) = delete;

  Status Open(const std::string& path, uint64_t max_header_bytes = kMaxSafetensorsHeader);
  const SafetensorsHeader& header() const { return header_; }
  // Copies entry.nbytes bytes into `dst` (which must hold that many).
  Status Read(const SafetensorsEntry& entry, void* dst);

 private:
  SafetensorsHeader header_;
  std::FILE* file_ = nullptr;
};

// One tensor to write: `data` points at nbytes little-endian bytes.
struct SafetensorsTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  uint64_t nbytes = 0;
};

// Writes a safetensors file atomically. Tensors are laid out in the given
// order; the header is space-padded so the data starts 8-byte aligned.
// Fails on duplicate names or nbytes not matching dtype x shape.
Status WriteSafetensors(const std::string& path, const std::vector<SafetensorsTensor>& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace xmas::model
