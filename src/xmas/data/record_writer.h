// Writes records, each exactly as its bytes, in a dataset container: a JSON
// array "[\n" r ",\n" r ... "\n]\n" ("[\n]\n" when empty), or JSON Lines
// r "\n" per record. What Dataset/DatasetIndex files read back unchanged.
//
//   RecordWriter writer(dataset.format().container);
//   for (...) XMAS_RETURN_IF_ERROR(writer.Add(raw, &out));
//   XMAS_RETURN_IF_ERROR(writer.Finish(&out));  // then out.Commit()
#pragma once

#include <string>
#include <string_view>

#include "xmas/data/format.h"
#include "xmas/util/atomic_file.h"

namespace xmas::data {

class RecordWriter {
 public:
  explicit RecordWriter(Container container) : container_(container) {}

  // Appends one record (written in ~1 MiB pieces).
  Status Add(std::string_view raw, AtomicFile* out) {
    if (container_ == Container::kJsonArray) {
      chunk_ += first_ ? "[\n" : ",\n";
      chunk_ += raw;
    } else {
      chunk_ += raw;
      chunk_ += '\n';
    }
    first_ = false;
    if (chunk_.size() < (1u << 20)) return Status::Ok();
    Status status = out->Write(chunk_);
    chunk_.clear();
    return status;
  }

  // Closes the container and writes what is left.
  Status Finish(AtomicFile* out) {
    if (container_ == Container::kJsonArray) chunk_ += first_ ? "[\n]\n" : "\n]\n";
    Status status = out->Write(chunk_);
    chunk_.clear();
    return status;
  }

 private:
  Container container_;
  bool first_ = true;
  std::string chunk_;
};

}  // namespace xmas::data
