#include "xmas/data/dataset_index.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "xmas/data/dataset_internal.h"
#include "xmas/data/json_chunks.h"
#include "xmas/data/member_scan.h"
#include "xmas/data/record_scan.h"
#include "xmas/util/progress.h"

namespace xmas::data {
namespace od = simdjson::ondemand;

// Reads the file block by block; the records complete in a block are read
// on every core, then appended to the index in order.
class DatasetIndexBuilder {
 public:
  DatasetIndexBuilder(DatasetIndex* index, const LoadOptions& options, size_t block)
      : index_(index), options_(options), block_(std::max<size_t>(block, 1)) {}

  Status Run() {
    const std::string& path = index_->path_;
    errno = 0;
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
    const uint64_t mib = index_->file_size_ >> 20;
    if (options_.show_progress) bar_ = std::make_unique<Progress>("index " + path, mib, "MiB");
    for (bool eof = false; !eof;) {
      XMAS_ASSIGN_OR_RETURN(eof, Fill());
      XMAS_RETURN_IF_ERROR(ScanBlock(eof));
      if (bar_) bar_->Set(offset_ >> 20);
    }
    if (scanner_ == nullptr) {
      return DetectContainer(std::string_view(), path).status();  // only whitespace: "empty file"
    }
    if (bar_) {
      bar_->Set(mib);
      bar_->Finish();
    }
    return Status::Ok();
  }

 private:
  // Reads the next block after what is kept; true at the end of the file.
  Result<bool> Fill() {
    const size_t keep = scanner_ == nullptr || scanner_->pending_begin() < 0
                            ? pos_
                            : static_cast<size_t>(static_cast<uint64_t>(scanner_->pending_begin()) - offset_);
    window_.erase(0, keep);
    offset_ += keep;
    pos_ -= keep;
    const size_t old = window_.size();
    window_.resize(old + block_ + simdjson::SIMDJSON_PADDING);
    const size_t got = std::fread(&window_[old], 1, block_, file_.get());
    window_.resize(old + got);
    if (got == 0 && std::ferror(file_.get())) return Status::IoError(index_->path_ + ": read failed");
    return got == 0;
  }

  Status ScanBlock(bool eof) {
    const std::string& path = index_->path_;
    if (scanner_ == nullptr) {
      if (window_.find_first_not_of(" \t\r\n") == std::string::npos) {
        pos_ = window_.size();
        return Status::Ok();
      }
      XMAS_ASSIGN_OR_RETURN(Container container, DetectContainer(window_, path));
      index_->format_.container = container;
      scanner_ = std::make_unique<MemberScanner>(container == Container::kJsonLines ? '\n' : '[', path,
                                                 [path](uint64_t at) { return FileLineColumn(path, at); });
    }
    std::vector<JsonMember> members;
    XMAS_RETURN_IF_ERROR(scanner_->Scan(window_, offset_, &pos_, &members));
    if (eof) XMAS_RETURN_IF_ERROR(scanner_->Finish(window_, offset_, &members));
    if (members.empty()) return Status::Ok();
    window_.reserve(window_.size() + simdjson::SIMDJSON_PADDING);  // records are parsed in place
    const std::string_view text(window_.data(), window_.size());
    if (!schema_known_) {
      file_schema_ = DetectFileSchema(text, offset_, members, index_->size());
      index_->format_.schema = file_schema_.schema;
      schema_known_ = true;
    }
    return AddRecords(text, members);
  }

  Status AddRecords(std::string_view text, const std::vector<JsonMember>& members) {
    const size_t first = index_->size(), n = members.size();
    std::vector<DatasetIndex::Entry> entries(n);
    std::vector<std::string> ids(n), images(n), sources(n);
    const std::string& path = index_->path_;
    XMAS_RETURN_IF_ERROR(ScanRecords(
        text, offset_, members, first, file_schema_, 0, options_.threads, path,
        [&path](uint64_t at) { return FileLineColumn(path, at); },
        [&](size_t, size_t index, RecordFields& f, std::vector<FieldProblem>& problems) {
          const size_t j = index - first;
          const std::string where = path + ": record " + std::to_string(index) + " (id '" + f.id + "')";
          if (!problems.empty()) {
            const FieldProblem& p = problems.front();
            return Status::InvalidInput(where + (p.field.empty() ? "" : ": field '" + p.field + "'") + ": " + p.what);
          }
          const uint64_t size = members[j].end - members[j].begin;
          if (size > options_.max_record_bytes) {
            return Status::InvalidInput(where + ": record is " + std::to_string(size) +
                                        " bytes, above the limit of " + std::to_string(options_.max_record_bytes));
          }
          DatasetIndex::Entry& e = entries[j];
          e.offset = members[j].begin;
          e.size = static_cast<uint32_t>(size);
          e.has_image = !f.images.empty();
          e.id_is_number = f.id_is_number;
          ids[j] = std::move(f.id);
          sources[j] = SourceOf(e.has_image ? f.images.front() : std::string(),
                                f.task_name.empty() ? nullptr : &f.task_name);
          if (e.has_image) images[j] = f.image_is_list ? PythonListText(nullptr, f.images) : f.images.front();
          return Status::Ok();
        }));
    for (size_t j = 0; j < n; ++j) {
      if (index_->sources_.size() >= UINT16_MAX &&
          std::find(index_->sources_.begin(), index_->sources_.end(), sources[j]) == index_->sources_.end()) {
        return Status::InvalidInput(index_->Where(first + j) + ": field 'task_name': more than 65535 distinct sources");
      }
      entries[j].source = index_->SourceId(sources[j]);
      index_->entries_.push_back(entries[j]);
      Append(&index_->ids_, ids[j]);
      Append(&index_->images_, images[j]);
    }
    return Status::Ok();
  }

  static void Append(DatasetIndex::Arena* a, std::string_view text) {
    a->text.append(text);
    a->ends.push_back(a->text.size());
  }

  DatasetIndex* index_;
  LoadOptions options_;
  size_t block_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  std::unique_ptr<MemberScanner> scanner_;
  std::unique_ptr<Progress> bar_;
  std::string window_;   // file bytes [offset_, offset_ + size)
  uint64_t offset_ = 0;
  size_t pos_ = 0;       // next window byte to scan
  bool schema_known_ = false;
  FileSchema file_schema_;
};

Result<DatasetIndex> DatasetIndex::Load(const std::string& path, const LoadOptions& options,
                                        size_t block_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return Status::NotFound(path + ": no such file");
  if (!std::filesystem::is_regular_file(status)) return Status::InvalidInput(path + ": not a regular file");
  DatasetIndex index;
  index.path_ = path;
  index.file_size_ = std::filesystem::file_size(path, ec);
  XMAS_RETURN_IF_ERROR(DatasetIndexBuilder(&index, options, block_bytes).Run());
  XMAS_RETURN_IF_ERROR(index.AssignKeys());
  return index;
}

DatasetIndex DatasetIndex::Of(const Dataset& dataset) {
  DatasetIndex index;
  index.path_ = dataset.path();
  index.format_ = dataset.format();
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
