#include "xmas/data/dataset_index.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "xmas/data/dataset_internal.h"
#include "xmas/data/json_chunks.h"
#include "xmas/util/progress.h"

namespace xmas::data {
namespace od = simdjson::ondemand;

// Scans one batch of records at a time into a DatasetIndex.
class DatasetIndexBuilder {
 public:
  DatasetIndexBuilder(DatasetIndex* index, JsonChunkReader* reader, const LoadOptions& options)
      : index_(index), reader_(reader), options_(options) {}

  Status Batch() {
    od::document doc;
    od::array array;
    if (auto error = parser_.iterate(reader_->json()).get(doc)) return Syntax(error, nullptr);
    if (auto error = doc.get_array().get(array)) return Syntax(error, &doc);
    size_t j = 0;
    for (auto element : array) {
      if (j >= reader_->members().size()) break;
      od::value value;
      if (auto error = std::move(element).get(value)) return Syntax(error, &doc);
      XMAS_RETURN_IF_ERROR(Record(value, reader_->members()[j], &doc));
      ++j;
    }
    if (j != reader_->members().size()) {
      return Status::InvalidInput(reader_->path() + ": invalid JSON near record " +
                                  std::to_string(reader_->members_before() + j));
    }
    return Status::Ok();
  }

 private:
  std::string Where() const {
    return reader_->path() + ": record " + std::to_string(index_->entries_.size()) + " (id '" + id_ + "')";
  }
  Status Fail(const std::string& field, const std::string& what) const {
    return Status::InvalidInput(Where() + (field.empty() ? "" : ": field '" + field + "'") + ": " + what);
  }
  Status Syntax(simdjson::error_code error, od::document* doc) const {
    const char* at = nullptr;
    std::string position = "in " + reader_->path();
    if (doc != nullptr && doc->current_location().get(at) == simdjson::SUCCESS && at != nullptr) {
      position = "at " + FileLineColumn(reader_->path(), reader_->FileOffset(at));
    }
    return Status::InvalidInput(Where() + ": invalid JSON " + position + ": " + simdjson::error_message(error));
  }

  Status String(od::value value, od::document* doc, const char* field, std::string* out) {
    od::json_type type;
    if (auto error = value.type().get(type)) return Syntax(error, doc);
    if (type != od::json_type::string) return Fail(field, std::string("expected a string, found ") + JsonTypeName(type));
    std::string_view text;
    if (auto error = value.get_string().get(text)) return Syntax(error, doc);
    out->assign(text);
    return Status::Ok();
  }

  Status Id(od::value value, od::document* doc) {
    od::json_type type;
    if (auto error = value.type().get(type)) return Syntax(error, doc);
    if (type == od::json_type::string) {
      id_is_number_ = false;
      return String(value, doc, "id", &id_);
    }
    if (type != od::json_type::number) {
      id_.clear();
      return Fail("id", std::string("expected a string or a number, found ") + JsonTypeName(type));
    }
    std::string_view token = value.raw_json_token();
    double number;
    if (auto error = value.get_double().get(number)) return Syntax(error, doc);
    id_.assign(NumberTokenText(token));
    id_is_number_ = true;
    return Status::Ok();
  }

  Status Field(od::field& field, od::document* doc, bool* seen_id, bool* seen_task) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return Syntax(error, doc);
    if (key == "id") {
      *seen_id = true;
      return Id(field.value(), doc);
    }
    if (key == "image") return String(field.value(), doc, "image", &image_);
    if (key == "task_name") {
      XMAS_RETURN_IF_ERROR(String(field.value(), doc, "task_name", &task_));
      *seen_task = !task_.empty();
      return Status::Ok();
    }
    if (key == "conversations") {
      od::json_type type;
      od::value value = field.value();
      if (auto error = value.type().get(type)) return Syntax(error, doc);
      if (type != od::json_type::array) {
        return Fail("conversations", std::string("expected an array, found ") + JsonTypeName(type));
      }
    }
    return Status::Ok();  // every other field stays in the file only
  }

  Status Record(od::value value, const JsonMember& member, od::document* doc) {
    id_.clear();
    image_.clear();
    task_.clear();
    id_is_number_ = false;
    od::json_type type;
    if (auto error = value.type().get(type)) return Syntax(error, doc);
    if (type != od::json_type::object) return Fail("", std::string("expected an object, found ") + JsonTypeName(type));
    od::object object;
    if (auto error = value.get_object().get(object)) return Syntax(error, doc);
    bool seen_id = false, seen_task = false;
    for (auto result : object) {
      od::field field;
      if (auto error = std::move(result).get(field)) return Syntax(error, doc);
      XMAS_RETURN_IF_ERROR(Field(field, doc, &seen_id, &seen_task));
    }
    if (!seen_id) return Fail("id", "missing");
    const uint64_t size = member.end - member.begin;
    if (size > options_.max_record_bytes) {
      return Fail("", "record is " + std::to_string(size) + " bytes, above the limit of " +
                          std::to_string(options_.max_record_bytes));
    }
    DatasetIndex::Entry e;
    e.offset = member.begin;
    e.size = static_cast<uint32_t>(size);
    e.has_image = !image_.empty();
    e.id_is_number = id_is_number_;
    const std::string source = SourceOf(image_, seen_task ? &task_ : nullptr);
    if (index_->sources_.size() >= UINT16_MAX &&
        std::find(index_->sources_.begin(), index_->sources_.end(), source) == index_->sources_.end()) {
      return Fail("task_name", "more than 65535 distinct sources");
    }
    e.source = index_->SourceId(source);
    index_->entries_.push_back(e);
    Append(&index_->ids_, id_);
    Append(&index_->images_, image_);
    return Status::Ok();
  }

  static void Append(DatasetIndex::Arena* a, std::string_view text) {
    a->text.append(text);
    a->ends.push_back(a->text.size());
  }

  DatasetIndex* index_;
  JsonChunkReader* reader_;
  LoadOptions options_;
  od::parser parser_;
  std::string id_, image_, task_;
  bool id_is_number_ = false;
};

Result<DatasetIndex> DatasetIndex::Load(const std::string& path, const LoadOptions& options,
                                        size_t block_bytes) {
  XMAS_ASSIGN_OR_RETURN(JsonChunkReader reader, JsonChunkReader::Open(path, '[', block_bytes));
  DatasetIndex index;
  index.path_ = path;
  index.file_size_ = reader.file_size();
  DatasetIndexBuilder builder(&index, &reader, options);
  std::unique_ptr<Progress> bar;
  const uint64_t mib = reader.file_size() >> 20;
  if (options.show_progress) bar = std::make_unique<Progress>("index " + path, mib, "MiB");
  for (;;) {
    XMAS_ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    XMAS_RETURN_IF_ERROR(builder.Batch());
    if (bar) bar->Set(reader.members().back().end >> 20);
  }
  if (bar) {
    bar->Set(mib);
    bar->Finish();
  }
  XMAS_RETURN_IF_ERROR(index.AssignKeys());
  return index;
}

DatasetIndex DatasetIndex::Of(const Dataset& dataset) {
  DatasetIndex index;
  index.path_ = dataset.path();
  index.dataset_ = &dataset;
  for (const Record& r : dataset.records()) {
    Entry e;
    e.size = static_cast<uint32_t>(r.raw.size());
    e.has_image = r.has_image();
    e.id_is_number = r.id_is_number;
    e.source = index.SourceId(r.source);
    index.entries_.push_back(e);
    index.ids_.text.append(r.id);
    index.ids_.ends.push_back(index.ids_.text.size());
    index.keys_.text.append(r.unique_idx);
    index.keys_.ends.push_back(index.keys_.text.size());
  }
  index.key_index_.Reset(index.size());
  auto key_of = [&index](size_t i) { return index.unique_idx(i); };
  for (size_t i = 0; i < index.size(); ++i) index.key_index_.Insert(index.unique_idx(i), i, key_of);
  return index;
}

uint16_t DatasetIndex::SourceId(const std::string& name) {
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (sources_[s] == name) return static_cast<uint16_t>(s);
  }
  sources_.push_back(name);
  return static_cast<uint16_t>(sources_.size() - 1);
}

Status DatasetIndex::AssignKeys() {
  const size_t n = size();
  Arena base;  // "<id>::<image>" or "<id>" (docs/method.md §3)
  base.text.reserve(ids_.text.size() + images_.text.size() + 2 * n);
  base.ends.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (entries_[i].id_is_number) {
      base.text += PythonNumberStr(id(i));
    } else {
      base.text += id(i);
    }
    if (entries_[i].has_image) base.text.append("::").append(Text(images_, i));
    base.ends.push_back(base.text.size());
  }
  images_ = Arena();
  // A base seen more than once gets "#0", "#1", ... in file order.
  std::vector<uint32_t> suffix(n, UINT32_MAX);
  bool repeats = false;
  {
    std::vector<uint32_t> count(n, 0);  // per first occurrence
    KeyIndex seen;
    seen.Reset(n);
    auto key_of = [&base](size_t i) { return Text(base, i); };
    for (size_t i = 0; i < n; ++i) {
      const size_t first = seen.Insert(Text(base, i), i, key_of);
      if (first == KeyIndex::kNone) continue;
      if (count[first] == 0) suffix[first] = count[first]++;
      suffix[i] = count[first]++;
      repeats = true;
    }
  }
  if (!repeats) {
    keys_ = std::move(base);
  } else {
    keys_.text.reserve(base.text.size() + 16);
    for (size_t i = 0; i < n; ++i) {
      keys_.text += Text(base, i);
      if (suffix[i] != UINT32_MAX) keys_.text += "#" + std::to_string(suffix[i]);
      keys_.ends.push_back(keys_.text.size());
    }
  }
  key_index_.Reset(n);
  auto key_of = [this](size_t i) { return unique_idx(i); };
  for (size_t i = 0; i < n; ++i) {
    const size_t other = key_index_.Insert(unique_idx(i), i, key_of);
    if (other != KeyIndex::kNone) {
      return Status::InvalidInput(Where(i) + ": field 'unique_idx': key '" + std::string(unique_idx(i)) +
                                  "' is also record " + std::to_string(other) +
                                  "'s (an id looks like another record's \"#n\" key); "
                                  "the authors' keys cannot tell them apart");
    }
  }
  return Status::Ok();
}

long DatasetIndex::FindUniqueIdx(std::string_view key) const {
  const size_t found = key_index_.Find(key, [this](size_t i) { return unique_idx(i); });
  return found == KeyIndex::kNone ? -1 : static_cast<long>(found);
}

std::string DatasetIndex::Where(size_t i) const {
  return path_ + ": record " + std::to_string(i) + " (id '" + std::string(id(i)) + "')";
}

Status DatasetIndex::ForEachRaw(const std::vector<size_t>& order,
                                const std::function<Status(size_t, std::string_view)>& fn) const {
  for (size_t i : order) {
    if (i >= size()) {
      return Status::InvalidInput(path_ + ": record index " + std::to_string(i) + " is out of range (" +
                                  std::to_string(size()) + " records)");
    }
  }
  if (dataset_ != nullptr) {
    for (size_t i : order) XMAS_RETURN_IF_ERROR(fn(i, (*dataset_)[i].raw));
    return Status::Ok();
  }
  std::error_code ec;
  if (std::filesystem::file_size(path_, ec) != file_size_ || ec) {
    return Status::InvalidInput(path_ + ": the file changed since it was indexed");
  }
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path_.c_str(), "rb"), &std::fclose);
  if (!file) return Status::IoError(path_ + ": cannot open: " + std::strerror(errno));
  // A 1 MiB block cache: records named in file order are read sequentially.
  constexpr uint64_t kBlock = 1u << 20;
  std::string block;
  uint64_t block_offset = 0;
  for (size_t i : order) {
    const Entry& e = entries_[i];
    if (e.offset < block_offset || e.offset + e.size > block_offset + block.size()) {
      block_offset = e.offset;
      block.resize(std::max<uint64_t>(kBlock, e.size));
      if (std::fseek(file.get(), static_cast<long>(e.offset), SEEK_SET) != 0) {
        return Status::IoError(path_ + ": cannot seek to byte " + std::to_string(e.offset));
      }
      block.resize(std::fread(&block[0], 1, block.size(), file.get()));
      if (block.size() < e.size) return Status::IoError(Where(i) + ": cannot read its bytes");
    }
    const std::string_view raw(block.data() + (e.offset - block_offset), e.size);
    if (raw.front() != '{' || raw.back() != '}') {
      return Status::InvalidInput(Where(i) + ": the file changed since it was indexed");
    }
    XMAS_RETURN_IF_ERROR(fn(i, raw));
  }
  return Status::Ok();
}

}  // namespace xmas::data
