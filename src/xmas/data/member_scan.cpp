#include "xmas/data/member_scan.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "xmas/data/parallel.h"

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

namespace {

// What one piece of the array holds: its separators with their depth
// relative to the piece's start, and the depth and string state at its end.
struct Piece {
  size_t begin = 0, end = 0;
  std::vector<std::pair<size_t, int>> commas;  // (offset, depth at the comma), those that can be top-level
  std::vector<std::pair<size_t, int>> lows;    // closing brackets reaching a new lowest depth
  int depth = 0;
  bool open_string = false;
};

void ScanPiece(std::string_view text, Piece* piece) {
  const bool* structural = Structural();
  const char* w = text.data();
  int depth = 0, lowest = 0;
  for (size_t at = piece->begin; at < piece->end; ++at) {
    while (at < piece->end && !structural[static_cast<unsigned char>(w[at])]) ++at;
    if (at == piece->end) break;
    const char c = w[at];
    if (c == '"') {
      for (;;) {  // to the closing quote
        const void* q = std::memchr(w + at + 1, '"', piece->end - at - 1);
        if (q == nullptr) {
          piece->open_string = true;
          return;
        }
        at = static_cast<size_t>(static_cast<const char*>(q) - w);
        size_t slashes = 0;
        while (w[at - 1 - slashes] == '\\') ++slashes;
        if (slashes % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth < lowest) {
        lowest = depth;
        piece->lows.emplace_back(at, depth);
      }
    } else if (depth <= lowest + 1) {
      // Only these can be top-level: the piece starts at an absolute depth
      // base >= -lowest (depths never go negative), and a top-level comma
      // has base + depth == 1. Keeping the others (every comma inside a
      // record) cost a quarter of the scan in vector growth.
      piece->commas.emplace_back(at, depth);
    }
  }
  piece->depth = depth;
}

}  // namespace

bool SplitArrayInParallel(std::string_view text, int threads, std::vector<JsonMember>* out) {
  out->clear();
  const size_t count = std::max<size_t>(1, ThreadCount(threads));
  std::vector<Piece> pieces;
  size_t begin = 0;
  for (size_t t = 1; t <= count; ++t) {
    size_t end = t == count ? text.size() : text.size() / count * t;
    if (t < count) {
      end = text.find('\n', std::max(end, begin));
      if (end == std::string_view::npos) return false;
      ++end;
    }
    pieces.emplace_back();
    pieces.back().begin = begin;
    pieces.back().end = end;
    begin = end;
  }
  ForBatches(pieces.size(), static_cast<int>(pieces.size()), 1, [&](size_t, size_t b, size_t e) {
    for (size_t p = b; p < e; ++p) ScanPiece(text, &pieces[p]);
    return true;
  });
  // Join: a separator is top-level where the absolute depth is 1 (commas)
  // or drops to 0 (the closing bracket).
  const size_t open = text.find_first_not_of(" \t\r\n");
  if (open == std::string_view::npos || text[open] != '[') return false;
  size_t previous = open + 1, close = std::string_view::npos;
  int depth = 0;
  auto take = [&](size_t at) {
    const JsonMember m = Trimmed(text, 0, previous, at);
    previous = at + 1;
    if (m.end == m.begin) return false;
    out->push_back(m);
    return true;
  };
  for (const Piece& piece : pieces) {
    if (piece.open_string || close != std::string_view::npos) return false;
    for (const auto& [at, low] : piece.lows) {
      if (depth + low < 0) return false;
      if (depth + low == 0) {
        close = at;
        break;
      }
    }
    for (const auto& [at, d] : piece.commas) {
      if (at > close) break;  // close is npos (the largest) when not in this piece
      if (depth + d == 1 && !take(at)) return false;
    }
    depth += piece.depth;
  }
  if (close == std::string_view::npos || text[close] != ']') return false;
  const bool empty_array = out->empty() && Trimmed(text, 0, previous, close).begin == close;
  if (!empty_array && !take(close)) return false;
  if (text.find_first_not_of(" \t\r\n", close + 1) != std::string_view::npos) return false;
  return depth == 0;
}

}  // namespace xmas::data
