#include "xmas/model/safetensors.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "xmas/util/atomic_file.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors I/O copies raw bytes: little-endian hosts only");

namespace xmas::model {
namespace {

using Json = nlohmann::json;

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidInput(path + ": " + what);
}

Status BadTensor(const std::string& path, const std::string& name, const std::string& what) {
  return Status::InvalidInput(path + ": tensor '" + name + "': " + what);
}

// numel * element size, or false on overflow / negative dims.
bool ByteSize(const std::vector<int64_t>& shape, int64_t elem, uint64_t* out) {
  uint64_t n = static_cast<uint64_t>(elem);
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d)) return false;
    n *= static_cast<uint64_t>(d);
  }
  *out = n;
  return true;
}

Status ParseEntry(const std::string& path, const std::string& name, const Json& j,
                  uint64_t data_start, uint64_t data_size, SafetensorsEntry* e) {
  e->name = name;
  if (!j.is_object() || !j.contains("dtype") || !j["dtype"].is_string() || !j.contains("shape") ||
      !j["shape"].is_array() || !j.contains("data_offsets") || !j["data_offsets"].is_array() ||
      j["data_offsets"].size() != 2) {
    return BadTensor(path, name, "expected {dtype, shape, data_offsets: [begin, end]}");
  }
  e->dtype = j["dtype"].get<std::string>();
  const int64_t elem = SafetensorsDtypeSize(e->dtype);
  if (elem == 0) return BadTensor(path, name, "unknown dtype '" + e->dtype + "'");
  for (const Json& d : j["shape"]) {
    if (!d.is_number_unsigned()) return BadTensor(path, name, "field 'shape': expected non-negative integers");
    const uint64_t v = d.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return BadTensor(path, name, "field 'shape': dimension too large");
    }
    e->shape.push_back(static_cast<int64_t>(v));
  }
  const Json& offs = j["data_offsets"];
  if (!offs[0].is_number_unsigned() || !offs[1].is_number_unsigned()) {
    return BadTensor(path, name, "field 'data_offsets': expected non-negative integers");
  }
  const uint64_t begin = offs[0].get<uint64_t>(), end = offs[1].get<uint64_t>();
  if (begin > end || end > data_size) {
    return BadTensor(path, name, "field 'data_offsets': [" + std::to_string(begin) + ", " +
                                     std::to_string(end) + ") outside the " +
                                     std::to_string(data_size) + "-byte data section");
  }
  uint64_t expect = 0;
  if (!ByteSize(e->shape, elem, &expect) || expect != end - begin) {
    return BadTensor(path, name, "field 'data_offsets': " + std::to_string(end - begin) +
                                     " bytes do not match dtype " + e->dtype + " and its shape");
  }
  e->offset = data_start + begin;
  e->nbytes = end - begin;
  return Status::Ok();
}

Status ParseHeader(const std::string& path, const std::string& text, uint64_t data_start,
                   SafetensorsHeader* h) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad(path, "header is not a JSON object");
  const uint64_t data_size = h->file_size - data_start;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) return Bad(path, "field '__metadata__': expected an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) return Bad(path, "field '__metadata__." + m.key() + "': expected a string");
        h->metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    SafetensorsEntry e;
    XMAS_RETURN_IF_ERROR(ParseEntry(path, it.key(), *it, data_start, data_size, &e));
    h->tensors.push_back(std::move(e));
  }
  std::sort(h->tensors.begin(), h->tensors.end(),
            [](const auto& a, const auto& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < h->tensors.size(); ++i) {
    const auto& prev = h->tensors[i - 1];
    if (h->tensors[i].offset < prev.offset + prev.nbytes) {
      return BadTensor(path, h->tensors[i].name, "overlaps tensor '" + prev.name + "'");
    }
  }
  return Status::Ok();
}

Status ReadAt(std::FILE* f, const std::string& path, uint64_t offset, void* dst, uint64_t n) {
  if (fseeko(f, static_cast<off_t>(offset), SEEK_SET) != 0 ||
      (n > 0 && std::fread(dst, 1, n, f) != n)) {
    return Status::IoError(path + ": cannot read " + std::to_string(n) + " bytes at offset " +
                           std::to_string(offset));
  }
  return Status::Ok();
}

}  // namespace

int64_t SafetensorsDtypeSize(const std::string& d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") return 2;
  if (d == "I8" || d == "U8" || d == "BOOL") return 1;
  return 0;
}

int64_t SafetensorsEntry::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

const SafetensorsEntry* SafetensorsHeader::Find(const std::string& name) const {
  for (const auto& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

SafetensorsReader::~SafetensorsReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Status SafetensorsReader::Open(const std::string& path, uint64_t max_header_bytes) {
  if (file_ != nullptr) std::fclose(file_);
  header_ = SafetensorsHeader{};
  header_.path = path;
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) return Status::NotFound(path + ": cannot open");
  if (fseeko(file_, 0, SEEK_END) != 0) return Status::IoError(path + ": cannot seek");
  header_.file_size = static_cast<uint64_t>(ftello(file_));
  if (header_.file_size < 8) return Bad(path, "shorter than the 8-byte header length");
  unsigned char len_bytes[8];
  XMAS_RETURN_IF_ERROR(ReadAt(file_, path, 0, len_bytes, 8));
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | len_bytes[i];
  if (n > max_header_bytes || n > header_.file_size - 8) {
    return Bad(path, "header length " + std::to_string(n) + " exceeds the limit (" +
                         std::to_string(max_header_bytes) + ") or the file size (" +
                         std::to_string(header_.file_size) + ")");
  }
  std::string text(n, '\0');
  XMAS_RETURN_IF_ERROR(ReadAt(file_, path, 8, text.data(), n));
  return ParseHeader(path, text, 8 + n, &header_);
}

Status SafetensorsReader::Read(const SafetensorsEntry& entry, void* dst) {
  if (file_ == nullptr) return Status::Internal("safetensors reader: no file open");
  return ReadAt(file_, header_.path, entry.offset, dst, entry.nbytes);
}

Result<SafetensorsHeader> ReadSafetensorsHeader(const std::string& path, uint64_t max_header_bytes) {
  SafetensorsReader reader;
  XMAS_RETURN_IF_ERROR(reader.Open(path, max_header_bytes));
  return reader.header();
}

Status WriteSafetensors(const std::string& path, const std::vector<SafetensorsTensor>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    uint64_t expect = 0;
    const int64_t elem = SafetensorsDtypeSize(t.dtype);
    if (elem == 0 || !ByteSize(t.shape, elem, &expect) || expect != t.nbytes) {
      return BadTensor(path, t.name, "dtype " + t.dtype + " and shape do not match " +
                                         std::to_string(t.nbytes) + " bytes");
    }
    if (!names.insert(t.name).second || t.name == "__metadata__") {
      return BadTensor(path, t.name, "duplicate name");
    }
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.nbytes}}};
    offset += t.nbytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string prefix(8, '\0');
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  AtomicFile out;
  XMAS_RETURN_IF_ERROR(out.Open(path));
  XMAS_RETURN_IF_ERROR(out.Write(prefix));
  XMAS_RETURN_IF_ERROR(out.Write(text));
  for (const auto& t : tensors) {
    XMAS_RETURN_IF_ERROR(out.Write(std::string_view(static_cast<const char*>(t.data), t.nbytes)));
  }
  return out.Commit();
}

}  // namespace xmas::model
