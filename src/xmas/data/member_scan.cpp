#include "xmas/data/member_scan.h"

#include <cstring>
#include <utility>

namespace xmas::data {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Bytes that matter to the boundary scan inside a member.
const bool* Structural() {
  static const auto* table = [] {
    static bool t[256] = {};
    for (unsigned char c : std::string("\"{}[],")) t[c] = true;
    return t;
  }();
  return table;
}

// [begin, end) of `window` without surrounding whitespace, as file offsets.
JsonMember Trimmed(std::string_view window, uint64_t offset, size_t begin, size_t end) {
  while (begin < end && IsSpace(window[begin])) ++begin;
  while (end > begin && IsSpace(window[end - 1])) --end;
  return {offset + begin, offset + end};
}

}  // namespace

MemberScanner::MemberScanner(char open, std::string name, std::function<std::string(uint64_t)> position)
    : open_(open), close_(open == '{' ? '}' : ']'), name_(std::move(name)), position_(std::move(position)) {}

Status MemberScanner::Fail(uint64_t offset, const std::string& what) const {
  return Status::InvalidInput(name_ + ": invalid JSON at " + position_(offset) + ": " + what);
}

Status MemberScanner::ScanLines(std::string_view w, uint64_t offset, size_t* pos, std::vector<JsonMember>* out) {
  size_t at = *pos;
  if (member_begin_ < 0) member_begin_ = static_cast<int64_t>(offset + at);
  while (at < w.size()) {
    const void* nl = std::memchr(w.data() + at, '\n', w.size() - at);
    if (nl == nullptr) break;
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - w.data());
    const JsonMember line = Trimmed(w, offset, static_cast<size_t>(member_begin_ - static_cast<int64_t>(offset)), end);
    if (line.end > line.begin) out->push_back(line);
    at = end + 1;
    member_begin_ = static_cast<int64_t>(offset + at);
  }
  *pos = w.size();
  return Status::Ok();
}

Status MemberScanner::Scan(std::string_view w, uint64_t offset, size_t* pos, std::vector<JsonMember>* out) {
  if (open_ == '\n') return ScanLines(w, offset, pos, out);
  const size_t size = w.size();
  const bool* structural = Structural();
  size_t at = *pos;
  while (at < size) {
    if (in_string_) {  // jump to the next unescaped quote
      const void* q = std::memchr(w.data() + at, '"', size - at);
      if (q == nullptr) {
        at = size;
        break;
      }
      const size_t quote = static_cast<size_t>(static_cast<const char*>(q) - w.data());
      size_t slashes = 0;
      while (quote > slashes && w[quote - 1 - slashes] == '\\') ++slashes;
      at = quote + 1;
      if (slashes % 2 == 0) in_string_ = false;
      continue;
    }
    if (member_begin_ >= 0) {  // inside a member: skip to the next byte that matters
      while (at < size && !structural[static_cast<unsigned char>(w[at])]) ++at;
      if (at == size) break;
    }
    const char c = w[at];
    if (IsSpace(c)) {
      ++at;
      continue;
    }
    if (!started_) {
      if (c != open_) return Fail(offset + at, std::string("expected a JSON ") + kind() + " at the top level");
      started_ = true;
      ++at;
      continue;
    }
    if (closed_) return Fail(offset + at, std::string("content after the top-level ") + kind());
    if (depth_ == 0 && (c == ',' || c == ']' || c == '}')) {
      if (member_begin_ >= 0) {
        out->push_back(Trimmed(w, offset, static_cast<size_t>(member_begin_ - static_cast<int64_t>(offset)), at));
        member_begin_ = -1;
      } else if (c == ',' || expect_value_) {
        return Fail(offset + at, std::string("missing value before '") + c + "'");
      }
      expect_value_ = c == ',';
      if (c != ',') {
        if (c != close_) return Fail(offset + at, std::string("'") + c + "' closes the top-level " + kind());
        closed_ = true;
      }
      ++at;
      continue;
    }
    if (member_begin_ < 0) member_begin_ = static_cast<int64_t>(offset + at);
    if (c == '"') in_string_ = true;
    if (c == '{' || c == '[') ++depth_;
    if (c == '}' || c == ']') --depth_;
    ++at;
  }
  *pos = at;
  return Status::Ok();
}

Status MemberScanner::Finish(std::string_view w, uint64_t offset, std::vector<JsonMember>* out) {
  const uint64_t file_size = offset + w.size();
  if (open_ == '\n') {
    if (member_begin_ >= 0) {
      const JsonMember line = Trimmed(w, offset, static_cast<size_t>(member_begin_ - static_cast<int64_t>(offset)), w.size());
      if (line.end > line.begin) out->push_back(line);
      member_begin_ = -1;
    }
    return Status::Ok();
  }
  if (!started_) return Status::InvalidInput(name_ + ": empty file: expected a JSON " + kind());
  if (!closed_) {
    return Fail(file_size, std::string("the top-level ") + kind() + " is not closed (truncated file?)");
  }
  return Status::Ok();
}

}  // namespace xmas::data
