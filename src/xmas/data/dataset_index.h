// A light, read-only index of a dataset file (any format of data/format.h)
// for commands that need each record's keys and byte range but not its
// conversations (`xmas select`).
//
// Dataset::Load keeps the whole file and four std::strings per record (a
// 109 MB file peaks at ~430 MB); DatasetIndex streams the file in blocks
// (JsonChunkReader) and keeps, per record, its byte range, id, unique_idx
// and source in shared arenas: ~70 bytes a record plus the key text, and the
// file itself is never held whole. Record bytes are read back from the file
// when a subset is written (the file must not change in between; a changed
// size or a range that no longer holds a '{'...'}' is an error).
//
// Ids, images, unique_idx, sources and the checks on them (id required, a
// string or a number; image / task_name strings; conversations an array;
// unique_idx collisions) are exactly those of Dataset::Load in strict mode,
// except that any number of images is accepted (LoadOptions::max_images is
// ignored: the index reads no image). The records complete in each block are
// read on LoadOptions::threads threads.
//
//   XMAS_ASSIGN_OR_RETURN(auto index, DatasetIndex::Load("llava.json"));
//   index.unique_idx(i), index.has_image(i), index.source(i), index.id(i)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/data/dataset.h"
#include "xmas/data/key_index.h"
#include "xmas/util/status.h"

namespace xmas::data {

class DatasetIndex {
 public:
  // `block_bytes`: how much of the file is read and parsed at a time (tests
  // pass tiny blocks so records straddle them).
  static Result<DatasetIndex> Load(const std::string& path, const LoadOptions& options = {},
                                   size_t block_bytes = 8u << 20);
  // The same index over an already loaded Dataset (which must outlive it);
  // record bytes then come from the Dataset's buffer.
  static DatasetIndex Of(const Dataset& dataset);

  const std::string& path() const { return path_; }
  const DatasetFormat& format() const { return format_; }
  size_t size() const { return entries_.size(); }
  std::string_view id(size_t i) const { return Text(ids_, i); }
  std::string_view unique_idx(size_t i) const { return Text(keys_, i); }
  const std::string& source(size_t i) const { return sources_[entries_[i].source]; }
  bool has_image(size_t i) const { return entries_[i].has_image; }
  uint64_t raw_size(size_t i) const { return entries_[i].size; }
  // Total bytes of all unique_idx keys (for sizing tables of them).
  size_t key_bytes() const { return keys_.text.size(); }

  // Index of the record with this unique_idx, or -1.
  long FindUniqueIdx(std::string_view unique_idx) const;
  // "<path>: record <i> (id '<id>')", as Dataset::Where.
  std::string Where(size_t i) const;

  // Calls fn(i, bytes) for the records `order` names, in that order, with
  // each record's exact bytes '{'...'}' (valid during the call only).
  Status ForEachRaw(const std::vector<size_t>& order,
                    const std::function<Status(size_t, std::string_view)>& fn) const;

 private:
  struct Entry {
    uint64_t offset = 0;  // of '{' in the file
    uint32_t size = 0;    // bytes through '}'
    uint16_t source = 0;  // into sources_
    bool has_image = false;
    bool id_is_number = false;
  };
  struct Arena {
    std::string text;
    std::vector<uint64_t> ends;  // end of entry i; begin is ends[i - 1]
  };
  static std::string_view Text(const Arena& a, size_t i) {
    const uint64_t begin = i == 0 ? 0 : a.ends[i - 1];
    return std::string_view(a.text).substr(begin, a.ends[i] - begin);
  }
  uint16_t SourceId(const std::string& name);
  Status AssignKeys();  // unique_idx as AssignUniqueIdx, then the collision check

  friend class DatasetIndexBuilder;
  std::string path_;
  DatasetFormat format_;
  uint64_t file_size_ = 0;
  const Dataset* dataset_ = nullptr;  // Of(): bytes come from here
  std::vector<Entry> entries_;
  Arena ids_, keys_;
  Arena images_;  // Python's str() of the image value, only while loading (unique_idx needs them)
  std::vector<std::string> sources_;
  KeyIndex key_index_;
};

}  // namespace xmas::data
