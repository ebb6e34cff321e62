#include "xmas/data/record_scan.h"

#include <algorithm>

#include "xmas/data/dataset_internal.h"
#include "xmas/data/parallel.h"

namespace xmas::data {
namespace od = simdjson::ondemand;
namespace {

// One record's field-by-field reading; errors are simdjson's (syntax).
class FieldReader {
 public:
  FieldReader(RecordFields* out, std::vector<FieldProblem>* problems) : out_(out), problems_(problems) {}

  simdjson::error_code Field(od::field& field) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    // Later duplicates of a key win, as with Python's json.load.
    if (key == "id") return Id(field.value());
    if (key == "image" || key == "images") return Images(key, field.value());
    if (key == "task_name") return String(field.value(), "task_name", &out_->task_name);
    if (key == "conversations" || key == "messages") return Turns(key, field.value());
    return simdjson::SUCCESS;  // unknown fields stay in the raw bytes only
  }

 private:
  void Problem(std::string field, std::string what) { problems_->push_back({std::move(field), std::move(what)}); }

  simdjson::error_code TypeOf(od::value& value, od::json_type* type) { return value.type().get(*type); }

  simdjson::error_code String(od::value value, const std::string& field, std::string* text) {
    od::json_type type;
    if (auto error = TypeOf(value, &type)) return error;
    text->clear();
    if (type != od::json_type::string) {
      Problem(field, std::string("expected a string, found ") + JsonTypeName(type));
      return simdjson::SUCCESS;
    }
    std::string_view view;
    if (auto error = value.get_string().get(view)) return error;
    text->assign(view);
    return simdjson::SUCCESS;
  }

  simdjson::error_code Id(od::value value) {
    out_->has_id = true;
    out_->id_is_number = false;
    od::json_type type;
    if (auto error = TypeOf(value, &type)) return error;
    if (type == od::json_type::string) return String(value, "id", &out_->id);
    out_->id.clear();
    if (type != od::json_type::number) {
      Problem("id", std::string("expected a string or a number, found ") + JsonTypeName(type));
      return simdjson::SUCCESS;
    }
    const std::string_view token = value.raw_json_token();
    double number;
    if (auto error = value.get_double().get(number)) return error;
    out_->id.assign(NumberTokenText(token));
    out_->id_is_number = true;
    return simdjson::SUCCESS;
  }

  simdjson::error_code Images(std::string_view key, od::value value) {
    if (image_key_ != nullptr && key != image_key_) {
      Problem("images", "both 'image' and 'images': a record names its images in one of them");
    }
    image_key_ = key == "image" ? "image" : "images";
    out_->image_key = image_key_;
    out_->images.clear();
    out_->image_is_list = false;
    od::json_type type;
    if (auto error = TypeOf(value, &type)) return error;
    if (type == od::json_type::string) {
      std::string path;
      if (auto error = String(value, image_key_, &path)) return error;
      if (!path.empty()) out_->images.push_back(std::move(path));
      return simdjson::SUCCESS;
    }
    if (type != od::json_type::array) {
      Problem(image_key_, std::string("expected a path or a list of paths, found ") + JsonTypeName(type));
      return simdjson::SUCCESS;
    }
    out_->image_is_list = true;
    od::array array;
    if (auto error = value.get_array().get(array)) return error;
    for (auto element : array) {
      od::value item;
      if (auto error = std::move(element).get(item)) return error;
      const std::string field = std::string(image_key_) + "[" + std::to_string(out_->images.size()) + "]";
      std::string path;
      if (auto error = String(item, field, &path)) return error;
      if (path.empty()) Problem(field, "empty image path");
      out_->images.push_back(std::move(path));
    }
    return simdjson::SUCCESS;
  }

  simdjson::error_code Turns(std::string_view key, od::value value) {
    const Schema schema = key == "messages" ? Schema::kMessages : Schema::kLlava;
    if (out_->has_turns && schema != out_->schema) {
      Problem("messages", "both 'conversations' (LLaVA) and 'messages' (ShareGPT): mixed formats in one record");
    }
    out_->has_turns = true;
    out_->schema = schema;
    out_->num_turns = 0;
    od::json_type type;
    if (auto error = TypeOf(value, &type)) return error;
    if (type != od::json_type::array) {
      Problem(std::string(key), std::string("expected an array, found ") + JsonTypeName(type));
      return simdjson::SUCCESS;
    }
    od::array turns;
    if (auto error = value.get_array().get(turns)) return error;
    for (auto turn : turns) {
      if (auto error = turn.error()) return error;
      ++out_->num_turns;  // the turn itself is skipped unread; Dataset::Conversations parses it
    }
    return simdjson::SUCCESS;
  }

  RecordFields* out_;
  std::vector<FieldProblem>* problems_;
  const char* image_key_ = nullptr;
};

}  // namespace

void CheckAgainstFile(size_t index, const FileSchema& file, size_t max_images, RecordFields* fields,
                      std::vector<FieldProblem>* problems) {
  if (!fields->is_object) return;
  const Schema schema = fields->has_turns ? fields->schema : file.schema;
  if (fields->has_turns && fields->schema != file.schema) {
    const SchemaKeys& mine = KeysOf(fields->schema);
    const SchemaKeys& theirs = KeysOf(file.schema);
    problems->push_back({mine.turns, std::string("this record has '") + mine.turns + "' but record " +
                                         std::to_string(file.defined_by) + " has '" + theirs.turns +
                                         "': mixed formats (" + FormatNameOf(fields->schema) + " and " +
                                         FormatNameOf(file.schema) + ") in one file"});
  }
  if (!fields->has_id) {
    if (schema == Schema::kMessages) {
      fields->id = std::to_string(index);
      fields->id_is_number = true;
    } else {
      problems->push_back({"id", "missing"});
    }
  }
  if (max_images > 0 && fields->images.size() > max_images) {
    problems->push_back({fields->image_key, std::to_string(fields->images.size()) +
                                                " images, but this command reads at most " +
                                                std::to_string(max_images) +
                                                " per record (several images: xmas data, xmas select)"});
  }
}

namespace {

simdjson::error_code ScanBytes(od::parser& parser, std::string_view bytes, RecordFields* out,
                               std::vector<FieldProblem>* problems, const char** at) {
  *out = RecordFields();
  od::document doc;
  auto located = [&](simdjson::error_code error) {
    if (doc.current_location().get(*at) != simdjson::SUCCESS) *at = nullptr;
    return error;
  };
  if (auto error = parser.iterate(bytes.data(), bytes.size(), bytes.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
    return error;
  }
  od::json_type type;
  if (auto error = doc.type().get(type)) return located(error);
  if (type != od::json_type::object) {
    problems->push_back({"", std::string("expected an object, found ") + JsonTypeName(type)});
    return simdjson::SUCCESS;
  }
  out->is_object = true;
  od::object object;
  if (auto error = doc.get_object().get(object)) return located(error);
  FieldReader reader(out, problems);
  for (auto result : object) {
    od::field field;
    if (auto error = std::move(result).get(field)) return located(error);
    if (auto error = reader.Field(field)) return located(error);
  }
  const char* after = nullptr;
  if (doc.current_location().get(after) == simdjson::SUCCESS) {  // OUT_OF_BOUNDS once all is read
    *at = after;
    return simdjson::TRAILING_CONTENT;
  }
  return simdjson::SUCCESS;
}

}  // namespace

Status RecordScanner::Scan(std::string_view bytes, const std::function<std::string(size_t)>& position,
                           RecordFields* out, std::vector<FieldProblem>* problems) {
  const char* at = nullptr;
  const simdjson::error_code error = ScanBytes(parser_, bytes, out, problems, &at);
  if (error == simdjson::SUCCESS) return Status::Ok();
  const size_t offset = at != nullptr && at >= bytes.data() && at <= bytes.data() + bytes.size()
                            ? static_cast<size_t>(at - bytes.data())
                            : bytes.size();
  return Status::InvalidInput("invalid JSON at " + position(offset) + ": " + simdjson::error_message(error));
}

FileSchema DetectFileSchema(std::string_view text, uint64_t offset, const std::vector<JsonMember>& members,
                            size_t first_index) {
  RecordScanner scanner;
  RecordFields fields;
  std::vector<FieldProblem> ignored;
  auto nowhere = [](size_t) { return std::string(); };
  for (size_t j = 0; j < members.size(); ++j) {
    const JsonMember& m = members[j];
    // A syntax error stops the search; the full scan reports it.
    if (!scanner.Scan(text.substr(m.begin - offset, m.end - m.begin), nowhere, &fields, &ignored).ok()) break;
    if (fields.has_turns) return FileSchema{fields.schema, first_index + j};
  }
  return FileSchema{};
}

constexpr size_t kRecordBatch = 1024;

Status ScanRecords(std::string_view text, uint64_t offset, const std::vector<JsonMember>& members,
                   size_t first_index, const FileSchema& file, size_t max_images, int threads,
                   const std::string& name, const std::function<std::string(uint64_t)>& position,
                   const TakeRecord& take, const std::function<void(size_t)>& progress) {
  const size_t workers = WorkerCount(members.size(), threads, kRecordBatch);
  std::vector<RecordScanner> scanners(workers);
  std::vector<RecordFields> fields(workers);
  std::vector<std::vector<FieldProblem>> problems(workers);
  return ForEachItem(
      members.size(), threads, kRecordBatch,
      [&](size_t worker, size_t j) {
        const JsonMember& m = members[j];
        const size_t index = first_index + j;
        problems[worker].clear();
        Status status = scanners[worker].Scan(text.substr(m.begin - offset, m.end - m.begin),
                                              [&](size_t at) { return position(m.begin + at); }, &fields[worker],
                                              &problems[worker]);
        if (!status.ok()) {
          return Status::InvalidInput(name + ": record " + std::to_string(index) + " (id '" + fields[worker].id +
                                      "'): " + status.message());
        }
        CheckAgainstFile(index, file, max_images, &fields[worker], &problems[worker]);
        return take(worker, index, fields[worker], problems[worker]);
      },
      progress);
}

}  // namespace xmas::data
