// Streams the members of a JSON file's top-level array or object in batches
// of complete members, so a file far larger than the memory one wants to
// spend can be parsed with simdjson piece by piece.
//
// A cheap byte scan (strings and nesting depth only) finds the members'
// boundaries; each batch is handed out as a small, padded JSON document of
// the same container type holding whole members, with every member's byte
// range in the file. Syntax inside a member is left to the caller's parser:
//
//   XMAS_ASSIGN_OR_RETURN(auto reader, JsonChunkReader::Open(path, '['));
//   for (;;) {
//     XMAS_ASSIGN_OR_RETURN(bool more, reader.Next());
//     if (!more) break;
//     parser.iterate(reader.json()) ... reader.members()[j] ...
//   }
//
// Memory stays near the block size (default 8 MiB; a member larger than a
// block grows the buffer to fit it).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "xmas/data/member_scan.h"
#include "xmas/util/status.h"

namespace xmas::data {

class JsonChunkReader {
 public:
  // `container` is '[' (members are values) or '{' (members are "key": value).
  static Result<JsonChunkReader> Open(const std::string& path, char container,
                                      size_t block_bytes = 8u << 20);

  JsonChunkReader(JsonChunkReader&&) noexcept;
  JsonChunkReader& operator=(JsonChunkReader&&) noexcept;
  ~JsonChunkReader();

  // Reads the next batch; false once every member has been handed out (the
  // container's end and what follows it are checked then).
  Result<bool> Next();

  // The batch as a JSON document: the container's bracket, the members with
  // the file's separators between them, the closing bracket; padded.
  simdjson::padded_string_view json() const;
  const std::vector<JsonMember>& members() const { return members_; }
  // File offset of a position inside json() (for error messages).
  uint64_t FileOffset(const char* at) const;
  // Members handed out before this batch.
  size_t members_before() const { return members_before_; }
  uint64_t file_size() const { return file_size_; }
  const std::string& path() const { return path_; }

 private:
  JsonChunkReader() = default;
  Status Fill();  // reads more of the file into window_

  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  uint64_t file_size_ = 0;
  char open_ = '[', close_ = ']';
  size_t block_ = 0;
  std::unique_ptr<MemberScanner> scanner_;
  std::string window_;         // file bytes [window_offset_, window_offset_ + window_.size())
  uint64_t window_offset_ = 0;
  size_t scan_ = 0;            // next window byte to scan
  bool eof_ = false;
  std::vector<JsonMember> members_, pending_;
  std::string batch_;          // json() text, with simdjson padding
  uint64_t batch_offset_ = 0;  // file offset of batch_[1]
  size_t members_before_ = 0;
};

// "line L, column C" of a file offset, by reading the file up to it.
std::string FileLineColumn(const std::string& path, uint64_t offset);

}  // namespace xmas::data
