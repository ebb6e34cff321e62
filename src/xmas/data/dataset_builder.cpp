#include "xmas/data/dataset_builder.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "xmas/util/progress.h"

namespace xmas::data {
namespace od = simdjson::ondemand;

struct DatasetBuilder::Fields {
  bool id = false;
  bool task_name = false;
  std::string task_name_value;
};

DatasetBuilder::DatasetBuilder(std::string name, const LoadOptions& options)
    : name_(std::move(name)), options_(options) {}

std::string DatasetBuilder::Where(const Record& record) const {
  return RecordWhere(name_, record);
}

Status DatasetBuilder::Problem(const Record& record, const std::string& field,
                               const std::string& what) {
  std::string message = Where(record) + (field.empty() ? "" : ": field '" + field + "'") + ": " + what;
  if (!options_.collect_record_problems) return Status::InvalidInput(message);
  dataset_.load_problems_.push_back(RecordProblem{record.index, field, std::move(message)});
  return Status::Ok();
}

Status DatasetBuilder::SyntaxError(simdjson::error_code error, const Record* record) {
  const auto& bytes = dataset_.buffer_->bytes;
  std::string where = name_;
  if (record != nullptr) where = Where(*record);
  const char* at = nullptr;
  std::string position = "at end of file";
  if (doc_ != nullptr && doc_->current_location().get(at) == simdjson::SUCCESS && at != nullptr &&
      at >= bytes.data() && at <= bytes.data() + bytes.size()) {
    position = "at " + LineColumn(std::string_view(bytes.data(), bytes.size()),
                                  static_cast<size_t>(at - bytes.data()));
  }
  return Status::InvalidInput(where + ": invalid JSON " + position + ": " +
                              simdjson::error_message(error));
}

Result<Dataset> DatasetBuilder::Build(std::unique_ptr<Dataset::Buffer> buffer) {
  dataset_.path_ = name_;
  dataset_.buffer_ = std::move(buffer);
  const auto& bytes = dataset_.buffer_->bytes;
  std::string_view text(bytes.data(), bytes.size());
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidInput(name_ + ": empty file: expected a JSON array of records");
  }
  od::parser parser;
  od::document doc;
  if (auto error = parser.iterate(bytes).get(doc)) {
    return Status::InvalidInput(name_ + ": invalid JSON: " + simdjson::error_message(error));
  }
  doc_ = &doc;
  XMAS_RETURN_IF_ERROR(ScanArray(doc));
  doc_ = nullptr;
  AssignUniqueIdx(&dataset_.records_);
  XMAS_RETURN_IF_ERROR(CheckKeysUnique());
  auto& problems = dataset_.load_problems_;
  std::stable_sort(problems.begin(), problems.end(),
                   [](const RecordProblem& a, const RecordProblem& b) { return a.index < b.index; });
  return std::move(dataset_);
}

Status DatasetBuilder::ScanArray(od::document& doc) {
  od::json_type type;
  if (auto error = doc.type().get(type)) return SyntaxError(error, nullptr);
  if (type != od::json_type::array) {
    return Status::InvalidInput(name_ + ": expected a JSON array of records at the top level, found " +
                                JsonTypeName(type));
  }
  od::array array;
  if (auto error = doc.get_array().get(array)) return SyntaxError(error, nullptr);
  const char* base = dataset_.buffer_->bytes.data();
  const uint64_t mib = dataset_.buffer_->bytes.size() >> 20;
  std::unique_ptr<Progress> bar;
  if (options_.show_progress) bar = std::make_unique<Progress>("load " + name_, mib, "MiB");
  auto& records = dataset_.records_;
  for (auto element : array) {
    Record record;
    record.index = records.size();
    od::value value;
    if (auto error = std::move(element).get(value)) return SyntaxError(error, &record);
    XMAS_RETURN_IF_ERROR(ScanRecord(value, &record));
    records.push_back(std::move(record));
    if (bar && records.size() % 4096 == 0 && !records.back().raw.empty()) {
      bar->Set(static_cast<uint64_t>(records.back().raw.data() - base) >> 20);
    }
  }
  const char* after = nullptr;
  if (doc.current_location().get(after) == simdjson::SUCCESS) {  // OUT_OF_BOUNDS at the end
    return SyntaxError(simdjson::TRAILING_CONTENT, nullptr);
  }
  if (bar) {
    bar->Set(mib);
    bar->Finish();
  }
  return Status::Ok();
}

Status DatasetBuilder::ScanRecord(od::value value, Record* record) {
  const char* start = nullptr;
  if (auto error = value.current_location().get(start)) return SyntaxError(error, record);
  od::json_type type;
  if (auto error = value.type().get(type)) return SyntaxError(error, record);
  if (type != od::json_type::object) {
    // Collecting: the record stays with empty raw bytes; the array skips it.
    return Problem(*record, "", std::string("expected an object, found ") + JsonTypeName(type));
  }
  od::object object;
  if (auto error = value.get_object().get(object)) return SyntaxError(error, record);
  Fields seen;
  for (auto field_result : object) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) return SyntaxError(error, record);
    XMAS_RETURN_IF_ERROR(ScanField(field, record, &seen));
  }
  const char* end = nullptr;
  if (auto error = value.current_location().get(end)) return SyntaxError(error, record);
  while (end > start && end[-1] != '}') --end;  // back over whitespace to the '}'
  record->raw = std::string_view(start, static_cast<size_t>(end - start));
  record->source = SourceOf(record->image, seen.task_name ? &seen.task_name_value : nullptr);
  if (!seen.id) XMAS_RETURN_IF_ERROR(Problem(*record, "id", "missing"));
  if (record->raw.size() > options_.max_record_bytes) {
    XMAS_RETURN_IF_ERROR(Problem(*record, "", "record is " + std::to_string(record->raw.size()) +
                                                  " bytes, above the limit of " +
                                                  std::to_string(options_.max_record_bytes)));
  }
  return Status::Ok();
}

Status DatasetBuilder::ScanField(od::field& field, Record* record, Fields* seen) {
  std::string_view key;
  if (auto error = field.unescaped_key().get(key)) return SyntaxError(error, record);
  // Later duplicates of a key win, as with Python's json.load.
  if (key == "id") {
    seen->id = true;
    return ReadId(field.value(), record);
  }
  if (key == "image") return ReadString(field.value(), *record, "image", &record->image);
  if (key == "task_name") {
    seen->task_name = true;
    Status status = ReadString(field.value(), *record, "task_name", &seen->task_name_value);
    if (seen->task_name_value.empty()) seen->task_name = false;
    return status;
  }
  if (key == "conversations") return CountTurns(field.value(), record);
  return Status::Ok();  // unknown fields stay in the raw bytes only
}

Status DatasetBuilder::ReadId(od::value value, Record* record) {
  od::json_type type;
  if (auto error = value.type().get(type)) return SyntaxError(error, record);
  if (type == od::json_type::string) {
    std::string_view id;
    if (auto error = value.get_string().get(id)) return SyntaxError(error, record);
    record->id.assign(id);
    record->id_is_number = false;
    return Status::Ok();
  }
  if (type == od::json_type::number) {
    std::string_view token = value.raw_json_token();
    double number;
    if (auto error = value.get_double().get(number)) return SyntaxError(error, record);
    record->id.assign(NumberTokenText(token));
    record->id_is_number = true;
    return Status::Ok();
  }
  record->id.clear();
  return Problem(*record, "id", std::string("expected a string or a number, found ") + JsonTypeName(type));
}

Status DatasetBuilder::ReadString(od::value value, const Record& record, const char* field,
                                  std::string* out) {
  od::json_type type;
  if (auto error = value.type().get(type)) return SyntaxError(error, &record);
  if (type != od::json_type::string) {
    out->clear();
    return Problem(record, field, std::string("expected a string, found ") + JsonTypeName(type));
  }
  std::string_view text;
  if (auto error = value.get_string().get(text)) return SyntaxError(error, &record);
  out->assign(text);
  return Status::Ok();
}

Status DatasetBuilder::CountTurns(od::value value, Record* record) {
  od::json_type type;
  if (auto error = value.type().get(type)) return SyntaxError(error, record);
  record->num_turns = 0;
  if (type != od::json_type::array) {
    return Problem(*record, "conversations", std::string("expected an array, found ") + JsonTypeName(type));
  }
  od::array turns;
  if (auto error = value.get_array().get(turns)) return SyntaxError(error, record);
  size_t count = 0;
  for (auto turn : turns) {
    if (auto error = turn.error()) return SyntaxError(error, record);
    ++count;  // the turn itself is skipped unread; Conversations() parses it
  }
  record->num_turns = count;
  return Status::Ok();
}

Status DatasetBuilder::CheckKeysUnique() {
  KeyIndex index;
  const auto& records = dataset_.records_;
  index.Reset(records.size());
  auto key_of = [&records](size_t i) { return std::string_view(records[i].unique_idx); };
  for (const Record& record : records) {
    const size_t other = index.Insert(record.unique_idx, record.index, key_of);
    if (other != KeyIndex::kNone) {
      XMAS_RETURN_IF_ERROR(Problem(record, "unique_idx",
                                   "key '" + record.unique_idx + "' is also record " +
                                       std::to_string(other) +
                                       "'s (an id looks like another record's \"#n\" key); "
                                       "the authors' keys cannot tell them apart"));
    }
  }
  dataset_.unique_index_ = std::move(index);
  return Status::Ok();
}

}  // namespace xmas::data
