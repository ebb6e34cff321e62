#include "xmas/data/json_chunks.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace xmas::data {

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
  r.scanner_ = std::make_unique<MemberScanner>(container, path,
                                               [path](uint64_t at) { return FileLineColumn(path, at); });
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

Result<bool> JsonChunkReader::Next() {
  members_before_ += members_.size();
  members_.clear();
  while (pending_.empty()) {
    if (scanner_->closed()) {
      while (!eof_) {  // only whitespace may follow the container
        window_offset_ += window_.size();
        window_.clear();
        scan_ = 0;
        XMAS_RETURN_IF_ERROR(Fill());
        XMAS_RETURN_IF_ERROR(scanner_->Scan(window_, window_offset_, &scan_, &pending_));
      }
      return false;
    }
    if (eof_) {
      XMAS_RETURN_IF_ERROR(scanner_->Finish(window_, window_offset_, &pending_));
      return Status::Internal(path_ + ": the member scan ended without closing the container");
    }
    // Drop the bytes already handed out or skipped, then read more.
    const int64_t pending = scanner_->pending_begin();
    const size_t keep = pending >= 0 ? static_cast<size_t>(static_cast<uint64_t>(pending) - window_offset_) : scan_;
    window_.erase(0, keep);
    window_offset_ += keep;
    scan_ -= keep;
    XMAS_RETURN_IF_ERROR(Fill());
    XMAS_RETURN_IF_ERROR(scanner_->Scan(window_, window_offset_, &scan_, &pending_));
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
