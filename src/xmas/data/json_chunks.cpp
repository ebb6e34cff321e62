#include "xmas/data/json_chunks.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace xmas::data {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

JsonChunkReader::JsonChunkReader(JsonChunkReader&&) noexcept = default;
JsonChunkReader& JsonChunkReader::operator=(JsonChunkReader&&) noexcept = default;
JsonChunkReader::~JsonChunkReader() = default;

Result<JsonChunkReader> JsonChunkReader::Open(const std::string& path, char container,
                                              size_t block_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return Status::NotFound(path + ": no such file");
  if (!std::filesystem::is_regular_file(status)) return Status::InvalidInput(path + ": not a regular file");
  JsonChunkReader r;
  r.path_ = path;
  r.file_size_ = std::filesystem::file_size(path, ec);
  errno = 0;
  r.file_.reset(std::fopen(path.c_str(), "rb"));
  if (!r.file_) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  r.open_ = container;
  r.close_ = container == '{' ? '}' : ']';
  r.block_ = std::max<size_t>(block_bytes, 1);
  return r;
}

Status JsonChunkReader::Fill() {
  const size_t old = window_.size();
  window_.resize(old + block_);
  const size_t got = std::fread(&window_[old], 1, block_, file_.get());
  window_.resize(old + got);
  if (got == 0) {
    if (std::ferror(file_.get())) return Status::IoError(path_ + ": read failed");
    eof_ = true;
  }
  return Status::Ok();
}

// Bytes that matter to the boundary scan inside a member.
static const bool* Structural() {
  static const auto table = [] {
    static bool t[256] = {};
    for (unsigned char c : std::string("\"{}[],")) t[c] = true;
    return t;
  }();
  return table;
}

Status JsonChunkReader::ScanBoundaries() {
  const char* w = window_.data();
  const size_t size = window_.size();
  const bool* structural = Structural();
  auto fail = [&](size_t at, const std::string& what) {
    return Status::InvalidInput(path_ + ": invalid JSON at " +
                                FileLineColumn(path_, window_offset_ + at) + ": " + what);
  };
  const char* kind = open_ == '{' ? "object" : "array";
  while (scan_ < size) {
    if (in_string_) {  // jump to the next unescaped quote
      const void* q = std::memchr(w + scan_, '"', size - scan_);
      if (q == nullptr) {
        scan_ = size;
        break;
      }
      const size_t at = static_cast<const char*>(q) - w;
      size_t slashes = 0;
      while (at > slashes && w[at - 1 - slashes] == '\\') ++slashes;
      scan_ = at + 1;
      if (slashes % 2 == 0) in_string_ = false;
      continue;
    }
    if (member_begin_ >= 0) {  // inside a member: skip to the next byte that matters
      while (scan_ < size && !structural[static_cast<unsigned char>(w[scan_])]) ++scan_;
      if (scan_ == size) break;
    }
    const char c = w[scan_];
    if (IsSpace(c)) {
      ++scan_;
      continue;
    }
    if (!started_) {
      if (c != open_) return fail(scan_, std::string("expected a JSON ") + kind + " at the top level");
      started_ = true;
      ++scan_;
      continue;
    }
    if (closed_) return fail(scan_, "content after the top-level " + std::string(kind));
    if (depth_ == 0 && (c == ',' || c == ']' || c == '}')) {
      if (member_begin_ >= 0) {
        size_t end = scan_;
        while (end > static_cast<size_t>(member_begin_) && IsSpace(w[end - 1])) --end;
        pending_.push_back({window_offset_ + static_cast<uint64_t>(member_begin_), window_offset_ + end});
        member_begin_ = -1;
      } else if (c == ',' || expect_value_) {
        return fail(scan_, std::string("missing value before '") + c + "'");
      }
      expect_value_ = c == ',';
      if (c != ',') {
        if (c != close_) return fail(scan_, std::string("'") + c + "' closes the top-level " + kind);
        closed_ = true;
      }
      ++scan_;
      continue;
    }
    if (member_begin_ < 0) member_begin_ = static_cast<int64_t>(scan_);
    if (c == '"') in_string_ = true;
    if (c == '{' || c == '[') ++depth_;
    if (c == '}' || c == ']') --depth_;
    ++scan_;
  }
  return Status::Ok();
}

Result<bool> JsonChunkReader::Next() {
  members_before_ += members_.size();
  members_.clear();
  while (pending_.empty()) {
    if (closed_) {
      while (!eof_) {  // only whitespace may follow the container
        window_offset_ += window_.size();
        window_.clear();
        scan_ = 0;
        XMAS_RETURN_IF_ERROR(Fill());
        XMAS_RETURN_IF_ERROR(ScanBoundaries());
      }
      return false;
    }
    if (eof_) {
      const char* kind = open_ == '{' ? "object" : "array";
      if (!started_) return Status::InvalidInput(path_ + ": empty file: expected a JSON " + kind);
      return Status::InvalidInput(path_ + ": invalid JSON at " + FileLineColumn(path_, file_size_) +
                                  ": the top-level " + kind + " is not closed (truncated file?)");
    }
    // Drop the bytes already handed out or skipped, then read more.
    const size_t keep = member_begin_ >= 0 ? static_cast<size_t>(member_begin_) : scan_;
    window_.erase(0, keep);
    window_offset_ += keep;
    scan_ -= keep;
    if (member_begin_ >= 0) member_begin_ -= static_cast<int64_t>(keep);
    XMAS_RETURN_IF_ERROR(Fill());
    XMAS_RETURN_IF_ERROR(ScanBoundaries());
  }
  members_.swap(pending_);
  pending_.clear();
  const uint64_t first = members_.front().begin, last = members_.back().end;
  batch_offset_ = first;
  const size_t len = static_cast<size_t>(last - first);
  batch_.resize(len + 2 + simdjson::SIMDJSON_PADDING);
  batch_[0] = open_;
  std::memcpy(&batch_[1], window_.data() + (first - window_offset_), len);
  batch_[len + 1] = close_;
  std::memset(&batch_[len + 2], ' ', simdjson::SIMDJSON_PADDING);
  return true;
}

simdjson::padded_string_view JsonChunkReader::json() const {
  const size_t len = batch_.size() - simdjson::SIMDJSON_PADDING;
  return simdjson::padded_string_view(batch_.data(), len, batch_.size());
}

uint64_t JsonChunkReader::FileOffset(const char* at) const {
  const ptrdiff_t in_batch = at - batch_.data();
  if (in_batch <= 0) return batch_offset_;
  return batch_offset_ + static_cast<uint64_t>(in_batch - 1);
}

std::string FileLineColumn(const std::string& path, uint64_t offset) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "byte " + std::to_string(offset);
  uint64_t line = 1, line_start = 0, pos = 0;
  char buf[1 << 16];
  while (pos < offset) {
    const size_t got = std::fread(buf, 1, std::min<uint64_t>(sizeof(buf), offset - pos), f);
    if (got == 0) break;
    for (size_t i = 0; i < got; ++i) {
      if (buf[i] == '\n') {
        ++line;
        line_start = pos + i + 1;
      }
    }
    pos += got;
  }
  std::fclose(f);
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

}  // namespace xmas::data
