// Record validation, and the --on-error fail|skip policy built on it.
//
// `xmas data validate` prints every problem; other commands call
// CheckRecords so that a bad record either stops them with one clear line
// (fail, the default) or is reported and left out (skip).
//
//   LoadOptions load; load.collect_record_problems = true;
//   XMAS_ASSIGN_OR_RETURN(auto ds, Dataset::Load(path, load));
//   XMAS_ASSIGN_OR_RETURN(OnError policy, ParseOnError(on_error_flag));
//   XMAS_ASSIGN_OR_RETURN(auto good, CheckRecords(ds, ValidateOptions{}, policy));
#pragma once

#include <map>
#include <string>
#include <vector>

#include "xmas/data/dataset.h"
#include "xmas/data/image.h"

namespace xmas::data {

struct ValidateOptions {
  // Folder the records' "image" paths are relative to. Empty: image files are
  // not checked (only the record structure).
  std::string image_folder;
  bool allow_outside_image_folder = false;
  // true: decode every image fully; false: read its header only (much
  // faster; catches missing files, unknown formats, bombs, not truncation).
  bool decode_images = true;
  ImageLimits image_limits;
  // false: only check that each record can be read (load problems and
  // parseable conversations), not the content rules below. For commands
  // that only count or copy records.
  bool check_content = true;
  int threads = 0;  // 0: one per CPU core
  bool show_progress = true;
};

// Every problem of every record, in record order (several per record are
// possible). Includes Dataset::load_problems().
struct ValidationReport {
  size_t num_records = 0;
  std::vector<RecordProblem> problems;
  std::vector<size_t> bad_records;  // sorted, each once

  bool ok() const { return problems.empty(); }
  // Problems per kind ("conversations", "image", "id", ...).
  std::map<std::string, size_t> CountsByKind() const;
  // "checked 10 records: 2 with problems (3 problems: conversations 2, image 1)"
  std::string Summary() const;
};

// The checks: id present and non-empty; conversations present, non-empty,
// turns alternating human/gpt starting with human and ending with gpt;
// exactly one "<image>" in an image record and none in a text-only one; the
// image path stays inside the image folder, exists and decodes within limits.
ValidationReport ValidateDataset(const Dataset& dataset, const ValidateOptions& options);

// The problems of one record (no image file checks when image_folder is empty).
std::vector<RecordProblem> ValidateRecord(const Dataset& dataset, size_t index, const ValidateOptions& options);

enum class OnError { kFail, kSkip };
// "fail" or "skip" (the value of --on-error).
Result<OnError> ParseOnError(const std::string& name);

// fail: an error with the first problem (and how many more there are) if any;
// skip: logs each skipped record as a warning plus a count, and returns the
// indices of the records without problems. With no problems: all indices.
Result<std::vector<size_t>> ApplyOnError(const ValidationReport& report, OnError policy);

// ValidateDataset + ApplyOnError.
Result<std::vector<size_t>> CheckRecords(const Dataset& dataset, const ValidateOptions& options,
                                         OnError policy);

}  // namespace xmas::data
