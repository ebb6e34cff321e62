// Turns a dataset file's bytes into Records (used by Dataset::Load /
// Dataset::Parse; not a public header): finds the records (MemberScanner),
// reads them on every core (ScanRecords), then assigns unique_idx and checks
// that the keys are unique.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "xmas/data/dataset_internal.h"
#include "xmas/data/member_scan.h"
#include "xmas/data/record_scan.h"

namespace xmas::data {

class DatasetBuilder {
 public:
  DatasetBuilder(std::string name, const LoadOptions& options);
  Result<Dataset> Build(std::unique_ptr<Dataset::Buffer> buffer);

 private:
  std::string_view Text() const;
  Result<std::vector<JsonMember>> FindRecords();
  Status ReadRecords(const std::vector<JsonMember>& members);
  // Stores one scanned record; its problems are errors (strict) or kept.
  Status Take(size_t worker, size_t index, const JsonMember& member, RecordFields& fields,
              const std::vector<FieldProblem>& problems);
  Status CheckKeysUnique();
  // Strict: the error. Collecting: records the problem and returns OK.
  Status Problem(const Record& record, const std::string& field, const std::string& what,
                 std::vector<RecordProblem>* into);

  std::string name_;
  LoadOptions options_;
  Dataset dataset_;
  std::vector<std::vector<RecordProblem>> problems_;  // per worker, while loading
};

}  // namespace xmas::data
