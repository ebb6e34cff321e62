#include "xmas/data/dataset.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "xmas/data/dataset_builder.h"
#include "xmas/data/dataset_internal.h"
#include "xmas/data/parallel.h"

namespace xmas::data {
namespace od = simdjson::ondemand;
namespace fs = std::filesystem;

Dataset::Dataset() = default;
Dataset::Dataset(Dataset&&) noexcept = default;
Dataset& Dataset::operator=(Dataset&&) noexcept = default;
Dataset::~Dataset() = default;

FileMapping::~FileMapping() {
  if (base != nullptr) ::munmap(base, length);
}

namespace {

// Maps the file read-only, followed by zero pages for simdjson's padding: an
// anonymous reservation of the whole length, the file mapped over its start
// (bytes past the file's end in its last page read as zero). The bytes are
// the page cache's own: no copy and no zeroed pages, which cost most of the
// CPU of reading a 1 GiB file into a buffer on the VM (perf, `data stats` on
// the 665k file: the kernel's copy and page clearing, ~40%). False if the
// file cannot be mapped (the caller then reads it).
bool MapWhole(int fd, uint64_t size, FileBytes* buffer) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t length = (size + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
  void* base = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return false;
  buffer->mapping.base = base;
  buffer->mapping.length = length;
  if (::mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) return false;
  ::madvise(base, size, MADV_WILLNEED);
  buffer->text = std::string_view(static_cast<const char*>(base), size);
  return true;
}

// Reads the whole file into `buffer`: mapped (MapWhole), or else read with
// `threads` readers, each its own slice.
Status ReadWhole(const std::string& path, int threads, FileBytes* buffer) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::IoError(path + ": cannot read: " + ec.message());
  errno = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  if (size > 0 && MapWhole(fd, size, buffer)) {
    ::close(fd);
    return Status::Ok();
  }
  simdjson::padded_string* bytes = &buffer->bytes;
  *bytes = simdjson::padded_string(static_cast<size_t>(size));
  buffer->text = std::string_view(bytes->data(), bytes->size());
  constexpr uint64_t kSlice = 16u << 20;
  std::atomic<int> failure{0};
  ForBatches((size + kSlice - 1) / kSlice, threads, 1, [&](size_t, size_t begin, size_t) {
    const uint64_t from = begin * kSlice, to = std::min(size, from + kSlice);
    for (uint64_t at = from; at < to;) {
      const ssize_t got = ::pread(fd, bytes->data() + at, to - at, static_cast<off_t>(at));
      if (got <= 0) {
        failure.store(got < 0 ? errno : EIO);
        return false;
      }
      at += static_cast<uint64_t>(got);
    }
    return true;
  });
  ::close(fd);
  if (failure.load() != 0) return Status::IoError(path + ": cannot read: " + std::strerror(failure.load()));
  return Status::Ok();
}

}  // namespace

Result<Dataset> Dataset::Load(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return Status::NotFound(path + ": no such file");
  if (!fs::is_regular_file(status)) return Status::InvalidInput(path + ": not a regular file");
  auto buffer = std::make_unique<Buffer>();
  XMAS_RETURN_IF_ERROR(ReadWhole(path, options.threads, buffer.get()));
  return DatasetBuilder(path, options).Build(std::move(buffer));
}

Result<Dataset> Dataset::Parse(std::string bytes, const std::string& name, const LoadOptions& options) {
  auto buffer = std::make_unique<Buffer>();
  buffer->bytes = simdjson::padded_string(bytes);
  buffer->text = std::string_view(buffer->bytes.data(), buffer->bytes.size());
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

using TurnFn = std::function<void(size_t, std::string_view, std::string_view)>;

// Reads one turn object {"from": ..., "value": ...} (or {"role", "content"})
// of the record `where()` names.
template <typename Where>
Status ReadTurn(od::value value, const Where& where, const SchemaKeys& keys, size_t k, const TurnFn& fn) {
  const std::string field = std::string(keys.turns) + "[" + std::to_string(k) + "]";
  auto fail = [&](const std::string& sub, const std::string& what) {
    return Status::InvalidInput(where() + ": field '" + field + sub + "': " + what);
  };
  od::json_type type;
  if (auto error = value.type().get(type)) return fail("", simdjson::error_message(error));
  if (type != od::json_type::object) return fail("", std::string("expected an object, found ") + JsonTypeName(type));
  od::object object;
  if (auto error = value.get_object().get(object)) return fail("", simdjson::error_message(error));
  std::string_view texts[2];
  bool has[2] = {false, false};
  for (auto field_result : object) {
    od::field f;
    std::string_view key;
    if (auto error = std::move(field_result).get(f)) return fail("", simdjson::error_message(error));
    if (auto error = f.unescaped_key().get(key)) return fail("", simdjson::error_message(error));
    const int slot = key == keys.speaker ? 0 : key == keys.text ? 1 : -1;
    if (slot < 0) continue;
    has[slot] = true;
    const std::string sub = "." + std::string(key);
    od::value& v = f.value();
    od::json_type t;
    if (auto error = v.type().get(t)) return fail(sub, simdjson::error_message(error));
    if (t != od::json_type::string) return fail(sub, std::string("expected a string, found ") + JsonTypeName(t));
    if (auto error = v.get_string().get(texts[slot])) return fail(sub, simdjson::error_message(error));
  }
  if (!has[0]) return fail(std::string(".") + keys.speaker, "missing");
  if (!has[1]) return fail(std::string(".") + keys.text, "missing");
  fn(k, texts[0], texts[1]);
  return Status::Ok();
}

template <typename Where>
Status ReadTurns(od::value value, const Where& where, const SchemaKeys& keys, const TurnFn& fn) {
  auto fail = [&](const std::string& what) {
    return Status::InvalidInput(where() + ": field '" + keys.turns + "': " + what);
  };
  od::json_type type;
  if (auto error = value.type().get(type)) return fail(simdjson::error_message(error));
  if (type != od::json_type::array) return fail(std::string("expected an array, found ") + JsonTypeName(type));
  od::array array;
  if (auto error = value.get_array().get(array)) return fail(simdjson::error_message(error));
  size_t k = 0;
  for (auto element : array) {
    od::value turn_value;
    if (auto error = std::move(element).get(turn_value)) return fail(simdjson::error_message(error));
    XMAS_RETURN_IF_ERROR(ReadTurn(turn_value, where, keys, k++, fn));
  }
  return Status::Ok();
}

}  // namespace

Status Dataset::ForEachTurn(size_t i, const TurnFn& fn) const {
  if (i >= records_.size()) {
    return Status::Internal(path_ + ": record " + std::to_string(i) + " out of range");
  }
  const Record& record = records_[i];
  auto where = [this, i] { return Where(i); };
  if (record.raw.empty()) return Status::InvalidInput(Where(i) + ": not a JSON object");
  // The record's bytes are followed by the rest of the file and simdjson's
  // padding, so they can be parsed in place.
  const char* end_of_buffer = buffer_->text.data() + buffer_->text.size() + simdjson::SIMDJSON_PADDING;
  const size_t allocated = static_cast<size_t>(end_of_buffer - record.raw.data());
  thread_local od::parser parser;
  od::document doc;
  auto invalid = [&](simdjson::error_code error) {
    return Status::InvalidInput(Where(i) + ": invalid JSON: " + simdjson::error_message(error));
  };
  if (auto error = parser.iterate(record.raw.data(), record.raw.size(), allocated).get(doc)) return invalid(error);
  od::object object;
  if (auto error = doc.get_object().get(object)) return invalid(error);
  const SchemaKeys& keys = KeysOf(record.schema);
  for (auto field_result : object) {
    od::field field;
    std::string_view key;
    if (auto error = std::move(field_result).get(field)) return invalid(error);
    if (auto error = field.unescaped_key().get(key)) return invalid(error);
    if (key == keys.turns) XMAS_RETURN_IF_ERROR(ReadTurns(field.value(), where, keys, fn));
  }
  return Status::Ok();
}

Result<std::vector<Turn>> Dataset::Conversations(size_t i) const {
  std::vector<Turn> turns;
  XMAS_RETURN_IF_ERROR(ForEachTurn(i, [&](size_t, std::string_view from, std::string_view value) {
    turns.push_back(Turn{std::string(from), std::string(value)});
    if (from == "user") turns.back().from = "human";
    if (from == "assistant") turns.back().from = "gpt";
  }));
  return turns;
}

}  // namespace xmas::data
