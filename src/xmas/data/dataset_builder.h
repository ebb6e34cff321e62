// Scans the top-level JSON array of a LLaVA file into Records (used by
// Dataset::Load / Dataset::Parse; not a public header).
#pragma once

#include <memory>
#include <string>

#include "xmas/data/dataset_internal.h"

namespace xmas::data {

class DatasetBuilder {
 public:
  DatasetBuilder(std::string name, const LoadOptions& options);
  // Takes the bytes, indexes every record, assigns unique_idx and checks that
  // the keys are unique.
  Result<Dataset> Build(std::unique_ptr<Dataset::Buffer> buffer);

 private:
  struct Fields;  // what one record's scan saw (presence of keys, task_name)

  Status ScanArray(simdjson::ondemand::document& doc);
  Status ScanRecord(simdjson::ondemand::value value, Record* record);
  Status ScanField(simdjson::ondemand::field& field, Record* record, Fields* seen);
  Status ReadId(simdjson::ondemand::value value, Record* record);
  Status ReadString(simdjson::ondemand::value value, const Record& record, const char* field,
                    std::string* out);
  Status CountTurns(simdjson::ondemand::value value, Record* record);
  Status CheckKeysUnique();
  // Strict: the error. Collecting: records the problem and returns OK.
  Status Problem(const Record& record, const std::string& field, const std::string& what);
  // A JSON syntax error at the iterator's position (always fatal).
  Status SyntaxError(simdjson::error_code error, const Record* record);
  std::string Where(const Record& record) const;

  std::string name_;
  LoadOptions options_;
  Dataset dataset_;
  simdjson::ondemand::document* doc_ = nullptr;
};

}  // namespace xmas::data
