// NumPy .npy files (format version 1.0): the one binary array format xmas
// writes, so every output opens with numpy.load().
//
// Supported: little-endian float32 ('<f4'), float64 ('<f8'), int32 ('<i4')
// and int64 ('<i8'), C order, 1-D or 2-D. The reader refuses headers over
// kMaxNpyHeaderBytes and shapes whose byte size does not match the file, so
// a file can never make it allocate more than the file holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas {

constexpr size_t kMaxNpyHeaderBytes = 64 * 1024;

enum class NpyType { kFloat32, kFloat64, kInt32, kInt64 };

struct NpyArray {
  NpyType type = NpyType::kFloat32;
  std::vector<int64_t> shape;  // 1 or 2 dimensions
  std::vector<char> data;      // raw little-endian bytes, C order

  int64_t rows() const { return shape.empty() ? 0 : shape[0]; }
  int64_t cols() const { return shape.size() < 2 ? 1 : shape[1]; }
  template <typename T>
  const T* as() const { return reinterpret_cast<const T*>(data.data()); }
};

size_t NpyTypeSize(NpyType type);

// Serialises a 2-D (or 1-D when cols < 0) array to .npy bytes.
std::string EncodeNpy(NpyType type, const void* values, int64_t rows, int64_t cols);
// Writes atomically.
Status WriteNpy(const std::string& path, NpyType type, const void* values, int64_t rows,
                int64_t cols);
inline Status WriteNpy(const std::string& path, const std::vector<float>& values, int64_t rows,
                       int64_t cols) {
  return WriteNpy(path, NpyType::kFloat32, values.data(), rows, cols);
}

// Parses .npy bytes; `name` is used in error messages.
Result<NpyArray> DecodeNpy(const std::string& bytes, const std::string& name);
Result<NpyArray> ReadNpy(const std::string& path);

}  // namespace xmas
