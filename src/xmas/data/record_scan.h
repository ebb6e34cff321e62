// Reads the fields of one record object that the dataset's index needs (id,
// images, task_name, which schema, how many turns), in either schema, from
// its bytes. Shared by Dataset::Load and DatasetIndex::Load so both accept
// and refuse exactly the same records. Not a public header.
#pragma once

#include <simdjson.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/data/format.h"
#include "xmas/data/member_scan.h"
#include "xmas/util/status.h"

namespace xmas::data {

// What the scan of one record found.
struct RecordFields {
  bool is_object = false;
  bool has_id = false;
  std::string id;                   // as text; a number as written
  bool id_is_number = false;
  std::vector<std::string> images;  // "image" / "images": one path or a list
  bool image_is_list = false;
  const char* image_key = "image";  // the key they came from ("image" or "images")
  std::string task_name;            // "" when absent or empty
  bool has_turns = false;           // "conversations" or "messages" present
  Schema schema = Schema::kLlava;   // which of the two (llava when neither)
  size_t num_turns = 0;
};

// One problem of one record: the field ("" for the whole record) and what.
struct FieldProblem {
  std::string field;
  std::string what;
};

// The schema of a file: that of its first record with "conversations" or
// "messages" (llava if none has either), and that record's index.
struct FileSchema {
  Schema schema = Schema::kLlava;
  size_t defined_by = 0;
};

// The checks on one scanned record that need the file's schema: a missing
// id ("messages" records without one take their index as a number id), the
// schema against the file's (no mixing), at most options.max_images images.
void CheckAgainstFile(size_t index, const FileSchema& file, size_t max_images, RecordFields* fields,
                      std::vector<FieldProblem>* problems);

class RecordScanner {
 public:
  // Parses `bytes` (a member of the file, with at least SIMDJSON_PADDING
  // readable bytes after it). Record problems (a field of the wrong type,
  // both "conversations" and "messages", ...) go to `problems` and the
  // fields that could be read are kept. A JSON syntax error is returned as
  // "invalid JSON at <position(offset in bytes)>: <what>"; nothing after it
  // can be trusted.
  Status Scan(std::string_view bytes, const std::function<std::string(size_t)>& position, RecordFields* out,
              std::vector<FieldProblem>* problems);

 private:
  simdjson::ondemand::parser parser_;
};


// The schema of the file whose records `members` are (in `text`, which
// starts at file offset `offset`; `first_index` numbers members[0]).
FileSchema DetectFileSchema(std::string_view text, uint64_t offset, const std::vector<JsonMember>& members,
                            size_t first_index);

// Scans records members[0..n) (in `text`, which starts at file offset
// `offset`; record numbers start at `first_index`) on `threads` threads,
// checks each against the file (CheckAgainstFile) and hands it to
// take(worker, record number, fields, problems); a non-OK status from take
// stops the scan. Returns the error of the lowest record that failed: a
// syntax error reads "<name>: record <i> (id '<id>'): invalid JSON at line
// L, column C: <what>" (`position(file offset)` gives the place).
using TakeRecord = std::function<Status(size_t, size_t, RecordFields&, std::vector<FieldProblem>&)>;
Status ScanRecords(std::string_view text, uint64_t offset, const std::vector<JsonMember>& members,
                   size_t first_index, const FileSchema& file, size_t max_images, int threads,
                   const std::string& name, const std::function<std::string(uint64_t)>& position,
                   const TakeRecord& take, const std::function<void(size_t)>& progress = {});

}  // namespace xmas::data
