#include "xmas/data/dataset.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "xmas/data/dataset_builder.h"
#include "xmas/data/dataset_internal.h"

namespace xmas::data {
namespace od = simdjson::ondemand;
namespace fs = std::filesystem;

Dataset::Dataset() = default;
Dataset::Dataset(Dataset&&) noexcept = default;
Dataset& Dataset::operator=(Dataset&&) noexcept = default;
Dataset::~Dataset() = default;

Result<Dataset> Dataset::Load(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return Status::NotFound(path + ": no such file");
  if (!fs::is_regular_file(status)) return Status::InvalidInput(path + ": not a regular file");
  auto buffer = std::make_unique<Buffer>();
  errno = 0;
  if (simdjson::padded_string::load(path).get(buffer->bytes) != simdjson::SUCCESS) {
    return Status::IoError(path + ": cannot read: " + (errno ? std::strerror(errno) : "read failed"));
  }
  return DatasetBuilder(path, options).Build(std::move(buffer));
}

Result<Dataset> Dataset::Parse(std::string bytes, const std::string& name, const LoadOptions& options) {
  auto buffer = std::make_unique<Buffer>();
  buffer->bytes = simdjson::padded_string(bytes);
  bytes = std::string();  // release the caller's copy before indexing
  return DatasetBuilder(name, options).Build(std::move(buffer));
}

std::string Dataset::Where(size_t i) const { return RecordWhere(path_, records_.at(i)); }

long Dataset::FindUniqueIdx(const std::string& unique_idx) const {
  const size_t found = unique_index_.Find(
      unique_idx, [this](size_t i) { return std::string_view(records_[i].unique_idx); });
  return found == KeyIndex::kNone ? -1 : static_cast<long>(found);
}

std::vector<size_t> Dataset::FindId(const std::string& id) const {
  if (by_id_.size() != records_.size()) {
    by_id_.resize(records_.size());
    for (size_t i = 0; i < records_.size(); ++i) by_id_[i] = i;
    std::stable_sort(by_id_.begin(), by_id_.end(),
                     [this](size_t a, size_t b) { return records_[a].id < records_[b].id; });
  }
  auto range = std::equal_range(
      by_id_.begin(), by_id_.end(), id, [this](const auto& a, const auto& b) {
        if constexpr (std::is_same_v<std::decay_t<decltype(a)>, size_t>) {
          return records_[a].id < b;
        } else {
          return a < records_[b].id;
        }
      });
  return std::vector<size_t>(range.first, range.second);
}

namespace {

// Reads one turn object {"from": ..., "value": ...} of record `where`.
Status ReadTurn(od::value value, const std::string& where, size_t k, Turn* turn) {
  const std::string field = "conversations[" + std::to_string(k) + "]";
  auto fail = [&](const std::string& sub, const std::string& what) {
    return Status::InvalidInput(where + ": field '" + field + sub + "': " + what);
  };
  od::json_type type;
  if (auto error = value.type().get(type)) return fail("", simdjson::error_message(error));
  if (type != od::json_type::object) return fail("", std::string("expected an object, found ") + JsonTypeName(type));
  od::object object;
  if (auto error = value.get_object().get(object)) return fail("", simdjson::error_message(error));
  bool has_from = false, has_value = false;
  for (auto field_result : object) {
    od::field f;
    std::string_view key;
    if (auto error = std::move(field_result).get(f)) return fail("", simdjson::error_message(error));
    if (auto error = f.unescaped_key().get(key)) return fail("", simdjson::error_message(error));
    std::string* out = key == "from" ? &turn->from : key == "value" ? &turn->value : nullptr;
    if (out == nullptr) continue;
    (key == "from" ? has_from : has_value) = true;
    const std::string sub = "." + std::string(key);
    od::value& v = f.value();
    od::json_type t;
    if (auto error = v.type().get(t)) return fail(sub, simdjson::error_message(error));
    if (t != od::json_type::string) return fail(sub, std::string("expected a string, found ") + JsonTypeName(t));
    std::string_view text;
    if (auto error = v.get_string().get(text)) return fail(sub, simdjson::error_message(error));
    out->assign(text);
  }
  if (!has_from) return fail(".from", "missing");
  if (!has_value) return fail(".value", "missing");
  return Status::Ok();
}

Status ReadTurns(od::value value, const std::string& where, std::vector<Turn>* turns) {
  od::json_type type;
  if (auto error = value.type().get(type)) {
    return Status::InvalidInput(where + ": field 'conversations': " + simdjson::error_message(error));
  }
  if (type != od::json_type::array) {
    return Status::InvalidInput(where + ": field 'conversations': expected an array, found " +
                                JsonTypeName(type));
  }
  od::array array;
  if (auto error = value.get_array().get(array)) {
    return Status::InvalidInput(where + ": field 'conversations': " + simdjson::error_message(error));
  }
  turns->clear();
  for (auto element : array) {
    od::value turn_value;
    if (auto error = std::move(element).get(turn_value)) {
      return Status::InvalidInput(where + ": field 'conversations': " + simdjson::error_message(error));
    }
    turns->emplace_back();
    XMAS_RETURN_IF_ERROR(ReadTurn(turn_value, where, turns->size() - 1, &turns->back()));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Turn>> Dataset::Conversations(size_t i) const {
  if (i >= records_.size()) {
    return Status::Internal(path_ + ": record " + std::to_string(i) + " out of range");
  }
  const Record& record = records_[i];
  if (record.raw.empty()) return Status::InvalidInput(Where(i) + ": not a JSON object");
  // The record's bytes are followed by the rest of the file and simdjson's
  // padding, so they can be parsed in place.
  const char* end_of_buffer = buffer_->bytes.data() + buffer_->bytes.size() + simdjson::SIMDJSON_PADDING;
  const size_t allocated = static_cast<size_t>(end_of_buffer - record.raw.data());
  thread_local od::parser parser;
  od::document doc;
  if (auto error = parser.iterate(record.raw.data(), record.raw.size(), allocated).get(doc)) {
    return Status::InvalidInput(Where(i) + ": invalid JSON: " + simdjson::error_message(error));
  }
  od::object object;
  if (auto error = doc.get_object().get(object)) {
    return Status::InvalidInput(Where(i) + ": invalid JSON: " + simdjson::error_message(error));
  }
  std::vector<Turn> turns;
  for (auto field_result : object) {
    od::field field;
    std::string_view key;
    if (auto error = std::move(field_result).get(field)) {
      return Status::InvalidInput(Where(i) + ": invalid JSON: " + simdjson::error_message(error));
    }
    if (auto error = field.unescaped_key().get(key)) {
      return Status::InvalidInput(Where(i) + ": invalid JSON: " + simdjson::error_message(error));
    }
    if (key == "conversations") XMAS_RETURN_IF_ERROR(ReadTurns(field.value(), Where(i), &turns));
  }
  return turns;
}

}  // namespace xmas::data
