// Finds the byte ranges of the members of a file's top-level container
// without parsing them: the values of a JSON array, the "key": value pairs
// of a JSON object, or the non-blank lines of a JSON Lines file. A cheap
// byte scan (strings and nesting depth only); syntax inside a member is left
// to the caller's parser. Fed the file window by window, so it serves both
// a file held whole (Dataset) and one streamed in blocks (DatasetIndex,
// JsonChunkReader). Not a public header.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::data {

struct JsonMember {
  uint64_t begin = 0;  // file offset of the member's first byte
  uint64_t end = 0;    // one past its last byte (whitespace trimmed)
};

class MemberScanner {
 public:
  // `open`: '[' (array values), '{' (object members) or '\n' (JSON Lines).
  // `position(offset)` formats a file offset for errors ("line 3, column 7").
  MemberScanner(char open, std::string name, std::function<std::string(uint64_t)> position);

  // Scans window[*pos, size); the window starts at file offset `offset` and
  // must still hold the bytes from pending_begin(). Appends every member
  // completed in it to `out` and advances *pos to the window's end.
  Status Scan(std::string_view window, uint64_t offset, size_t* pos, std::vector<JsonMember>* out);
  // At the end of the file, with the window Scan saw last (it must still
  // hold the bytes from pending_begin()): the last JSON Lines member, or the
  // checks that the container was opened and closed.
  Status Finish(std::string_view window, uint64_t offset, std::vector<JsonMember>* out);

  // File offset of the first byte of a member not yet complete, or -1.
  int64_t pending_begin() const { return member_begin_; }
  bool closed() const { return closed_; }

 private:
  Status ScanLines(std::string_view window, uint64_t offset, size_t* pos, std::vector<JsonMember>* out);
  Status Fail(uint64_t offset, const std::string& what) const;
  const char* kind() const { return open_ == '{' ? "object" : "array"; }

  char open_, close_;
  std::string name_;
  std::function<std::string(uint64_t)> position_;
  bool started_ = false, closed_ = false, in_string_ = false;
  bool expect_value_ = false;  // a ',' was seen and no member after it yet
  int depth_ = 0;
  int64_t member_begin_ = -1;  // file offset
};

// The members of the top-level JSON array held whole in `text` (file offset
// 0), found by `threads` threads: the text is cut after line breaks (which
// valid JSON never has inside a string), each piece is scanned on its own
// and the nesting depths are joined afterwards. Returns false, leaving
// `out` empty, where that cannot decide (a piece without a line break, a
// string open across a cut, anything malformed): the caller then runs the
// sequential MemberScanner, which also gives the exact error.
bool SplitArrayInParallel(std::string_view text, int threads, std::vector<JsonMember>* out);

}  // namespace xmas::data
