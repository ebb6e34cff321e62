// Internals shared by the data component's .cpp files (not a public header).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "xmas/data/dataset.h"

namespace xmas::data {

// A read-only private mapping of a file followed by at least
// SIMDJSON_PADDING zero bytes; unmapped on destruction.
struct FileMapping {
  FileMapping() = default;
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;
  ~FileMapping();
  void* base = nullptr;
  size_t length = 0;
};

// A file's bytes (with simdjson's padding): a copy (`bytes`) or the file
// mapped (`mapping`); `text` views them.
struct FileBytes {
  simdjson::padded_string bytes;
  FileMapping mapping;
  std::string_view text;
};

// Owns the bytes Record::raw points into.
struct Dataset::Buffer : FileBytes {};

// "<file>: record <i> (id '<id>')", the prefix of per-record messages.
std::string RecordWhere(const std::string& file, const Record& record);

// "line 3, column 14" of byte `offset` in `text` (1-based), for JSON errors.
std::string LineColumn(std::string_view text, size_t offset);

// "a string", "a number", "an object", ... for "expected X, found Y" messages.
const char* JsonTypeName(simdjson::ondemand::json_type type);

// A numeric id's raw JSON token without the whitespace simdjson leaves after
// it: the id's text exactly as written (e.g. "007" and "1e3" are kept as is).
inline std::string_view NumberTokenText(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

// Python's str() of a list of str: "['a.jpg', 'b.jpg']" (`first` then `rest`).
std::string PythonListText(const std::string* first, const std::vector<std::string>& rest);

// The source name of a record (see Record::source).
std::string SourceOf(const std::string& image, const std::string* task_name);

}  // namespace xmas::data
