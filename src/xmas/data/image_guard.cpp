#include "xmas/data/image_guard.h"

#include <cstdint>

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
  for (size_t at = 8; at + 8 <= bytes.size();) {  // after the signature; a chunk: length, type, data, CRC
    uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<uint8_t>(bytes[at + i]);
    const std::string_view type = bytes.substr(at + 4, 4);
    if (length > bytes.size() - at - 8) {
      return Status::InvalidInput(name + ": corrupt PNG (chunk '" + std::string(type) + "' at byte " +
                                  std::to_string(at) + " claims " + std::to_string(length) +
                                  " bytes, past the end of the file)");
    }
    if (type == "IEND") break;
    at += 12 + static_cast<size_t>(length);
  }
  return Status::Ok();
}

}  // namespace xmas::data
