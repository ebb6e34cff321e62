#include "xmas/util/npy.h"

#include <cstring>
#include <regex>

#include "xmas/util/atomic_file.h"

namespace xmas {
namespace {
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

const char* Descr(NpyType type) {
  switch (type) {
    case NpyType::kFloat32: return "<f4";
    case NpyType::kFloat64: return "<f8";
    case NpyType::kInt32: return "<i4";
    case NpyType::kInt64: return "<i8";
  }
  return "";
}

bool ParseDescr(const std::string& descr, NpyType* type) {
  for (NpyType t : {NpyType::kFloat32, NpyType::kFloat64, NpyType::kInt32, NpyType::kInt64}) {
    if (descr == Descr(t)) {
      *type = t;
      return true;
    }
  }
  return false;
}
}  // namespace

size_t NpyTypeSize(NpyType type) {
  return (type == NpyType::kFloat32 || type == NpyType::kInt32) ? 4 : 8;
}

std::string EncodeNpy(NpyType type, const void* values, int64_t rows, int64_t cols) {
  std::string shape = cols < 0 ? "(" + std::to_string(rows) + ",)"
                               : "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
  std::string header = std::string("{'descr': '") + Descr(type) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that magic + 2 version bytes + 2 length bytes + header is a multiple of 64.
  const size_t prefix = kMagicLen + 4;
  size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kMagic, kMagicLen);
  out.push_back('\x01');
  out.push_back('\x00');
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.push_back(static_cast<char>(len & 0xff));
  out.push_back(static_cast<char>(len >> 8));
  out += header;
  const size_t count = static_cast<size_t>(rows) * static_cast<size_t>(cols < 0 ? 1 : cols);
  out.append(static_cast<const char*>(values), count * NpyTypeSize(type));
  return out;
}

Status WriteNpy(const std::string& path, NpyType type, const void* values, int64_t rows,
                int64_t cols) {
  return WriteFileAtomic(path, EncodeNpy(type, values, rows, cols));
}

Result<NpyArray> DecodeNpy(const std::string& bytes, const std::string& name) {
  auto bad = [&](const std::string& why) { return Status::InvalidInput(name + ": not a valid .npy file: " + why); };
  if (bytes.size() < kMagicLen + 4 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
    return bad("missing magic bytes");
  }
  const unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return bad("truncated header");
    header_len = 0;
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    header_start = 12;
  } else {
    return bad("unsupported version " + std::to_string(major));
  }
  if (header_len > kMaxNpyHeaderBytes) return bad("header of " + std::to_string(header_len) + " bytes exceeds the limit");
  if (bytes.size() < header_start + header_len) return bad("truncated header");
  const std::string header = bytes.substr(header_start, header_len);

  static const std::regex kDescr(R"('descr'\s*:\s*'([^']*)')");
  static const std::regex kOrder(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex kShape(R"('shape'\s*:\s*\(([^)]*)\))");
  std::smatch m;
  NpyArray array;
  if (!std::regex_search(header, m, kDescr) || !ParseDescr(m[1], &array.type)) {
    return bad("unsupported or missing dtype (want <f4, <f8, <i4 or <i8)");
  }
  if (!std::regex_search(header, m, kOrder) || m[1] != "False") return bad("fortran_order must be False");
  if (!std::regex_search(header, m, kShape)) return bad("missing shape");
  static const std::regex kDim(R"(\d+)");
  const std::string dims = m[1];
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), kDim); it != std::sregex_iterator(); ++it) {
    const std::string digits = it->str();
    if (digits.size() > 15) return bad("dimension too large");
    array.shape.push_back(std::stoll(digits));
  }
  if (array.shape.empty() || array.shape.size() > 2) return bad("only 1-D and 2-D arrays are supported");
  const uint64_t payload = bytes.size() - header_start - header_len;
  uint64_t want = NpyTypeSize(array.type);
  for (int64_t dim : array.shape) {
    if (__builtin_mul_overflow(want, static_cast<uint64_t>(dim), &want)) {
      return bad("shape is too large");
    }
  }
  if (want != payload) {
    return bad("shape needs " + std::to_string(want) + " bytes of data but the file holds " +
               std::to_string(payload));
  }
  array.data.assign(bytes.begin() + header_start + header_len, bytes.end());
  return array;
}

Result<NpyArray> ReadNpy(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return DecodeNpy(bytes, path);
}

}  // namespace xmas
