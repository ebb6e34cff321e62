#include "xmas/data/image_guard.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace xmas::data {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  bool at_end() const { return pos_ >= bytes_.size(); }
  // stb_image reads 0 past the end.
  int Get8() { return at_end() ? 0 : static_cast<uint8_t>(bytes_[pos_++]); }
  int Get16() {
    const int hi = Get8();
    return (hi << 8) | Get8();
  }
  void Skip(size_t n) { pos_ = n > bytes_.size() - pos_ ? bytes_.size() : pos_ + n; }
  // Entropy-coded data: stops before the next 0xFF that is neither stuffing
  // (FF 00) nor a restart marker (FF D0..D7).
  void SkipScanData() {
    while (pos_ + 1 < bytes_.size()) {
      const auto next = static_cast<uint8_t>(bytes_[pos_ + 1]);
      if (static_cast<uint8_t>(bytes_[pos_]) == 0xFF && next != 0x00 && !(next >= 0xD0 && next <= 0xD7)) return;
      ++pos_;
    }
    pos_ = bytes_.size();
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

// One DHT segment (after its marker): every table's count must fit 256.
bool HuffmanSegmentOk(Cursor* c) {
  int left = c->Get16() - 2;
  while (left > 0 && !c->at_end()) {
    c->Get8();  // table class and id
    int codes = 0;
    for (int i = 0; i < 16; ++i) codes += c->Get8();
    if (codes > 256) return false;
    c->Skip(static_cast<size_t>(codes));
    left -= 17 + codes;
  }
  return true;
}

uint32_t BigEndian32(std::string_view bytes, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
  return v;
}

// Bytes of filtered scanlines an IHDR describes (0 when it is malformed).
uint64_t PngRawBytes(std::string_view ihdr) {
  if (ihdr.size() < 13) return 0;
  const uint64_t width = BigEndian32(ihdr, 0), height = BigEndian32(ihdr, 4);
  const int depth = static_cast<uint8_t>(ihdr[8]), color = static_cast<uint8_t>(ihdr[9]);
  const int channels = color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1;
  return ((width * channels * depth + 7) / 8 + 1) * height;
}

// One chunk of a PNG: length, type, data, CRC. `data` and `end` are clipped to
// the file; `length` is what the chunk declares.
struct PngChunk {
  size_t at = 0;
  uint32_t length = 0;
  std::string_view type, data;
  size_t end = 0;  // where the next chunk starts
};

// Calls fn(chunk) for every chunk after the signature, up to and including
// IEND, while fn returns true.
template <typename Fn>
void ForEachPngChunk(std::string_view bytes, Fn&& fn) {
  for (size_t at = 8; at + 8 <= bytes.size();) {
    PngChunk c;
    c.at = at;
    c.length = BigEndian32(bytes, at);
    c.type = bytes.substr(at + 4, 4);
    c.data = bytes.substr(at + 8, c.length);
    c.end = at + std::min(bytes.size() - at, 12 + static_cast<size_t>(c.length));
    if (!fn(c) || c.type == "IEND") return;
    at = c.end;
  }
}

}  // namespace

Status CheckJpegHuffmanTables(std::string_view bytes, const std::string& name) {
  Cursor c(bytes);
  while (!c.at_end()) {
    if (c.Get8() != 0xFF) continue;  // stb skips to the next marker the same way
    int marker = c.Get8();
    while (marker == 0xFF && !c.at_end()) marker = c.Get8();
    if (marker == 0xD9) break;  // end of image
    if (marker == 0x00 || marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) continue;
    if (marker == 0xC4) {
      if (!HuffmanSegmentOk(&c)) {
        return Status::InvalidInput(name + ": corrupt JPEG (a Huffman table with more than 256 codes)");
      }
      continue;
    }
    const int length = c.Get16();
    c.Skip(length >= 2 ? static_cast<size_t>(length - 2) : 0);
    if (marker == 0xDA) c.SkipScanData();
  }
  return Status::Ok();
}

Status CheckPngChunkLengths(std::string_view bytes, const std::string& name) {
  Status status = Status::Ok();
  ForEachPngChunk(bytes, [&](const PngChunk& c) {
    if (c.length > bytes.size() - c.at - 8) {
      status = Status::InvalidInput(name + ": corrupt PNG (chunk '" + std::string(c.type) + "' at byte " +
                                    std::to_string(c.at) + " claims " + std::to_string(c.length) +
                                    " bytes, past the end of the file)");
    }
    return status.ok();
  });
  return status;
}

Status CheckPngInflatedSize(std::string_view bytes, const std::string& name) {
  uint64_t allowed = 0;
  bool raw_deflate = false;  // Apple's CgBI variant has no zlib header (stb accepts it)
  z_stream zs{};
  bool started = false;
  std::vector<unsigned char> scratch(64 * 1024);
  uint64_t inflated = 0;
  int ret = Z_OK;
  ForEachPngChunk(bytes, [&](const PngChunk& c) {
    if (c.type == "CgBI") raw_deflate = true;
    if (c.type == "IHDR") allowed = 2 * PngRawBytes(c.data) + 65536;
    if (c.type != "IDAT") return true;
    if (!started && inflateInit2(&zs, raw_deflate ? -15 : 15) != Z_OK) return false;
    started = true;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(c.data.data()));
    zs.avail_in = static_cast<uInt>(c.data.size());
    while (zs.avail_in > 0 && ret == Z_OK && inflated <= allowed) {
      zs.next_out = scratch.data();
      zs.avail_out = static_cast<uInt>(scratch.size());
      ret = inflate(&zs, Z_NO_FLUSH);
      inflated += scratch.size() - zs.avail_out;
    }
    return ret == Z_OK && inflated <= allowed;
  });
  if (started) inflateEnd(&zs);
  if (inflated > allowed) {
    return Status::InvalidInput(name + ": corrupt PNG (its image data inflates to more than " +
                                std::to_string(allowed) + " bytes, twice what its size in the header needs)");
  }
  return Status::Ok();
}

std::optional<std::string> DropEmptyIdatChunks(std::string_view bytes) {
  std::string kept(bytes.substr(0, 8));
  bool dropped = false;
  size_t end = std::min<size_t>(8, bytes.size());
  ForEachPngChunk(bytes, [&](const PngChunk& c) {
    const bool empty_idat = c.length == 0 && c.type == "IDAT";
    if (!empty_idat) kept.append(bytes.substr(c.at, c.end - c.at));
    dropped |= empty_idat;
    end = c.end;
    return true;
  });
  if (!dropped) return std::nullopt;
  kept.append(bytes.substr(end));
  return kept;
}

}  // namespace xmas::data
