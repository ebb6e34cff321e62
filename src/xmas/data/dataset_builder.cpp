#include "xmas/data/dataset_builder.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "xmas/data/parallel.h"
#include "xmas/util/progress.h"

namespace xmas::data {

DatasetBuilder::DatasetBuilder(std::string name, const LoadOptions& options)
    : name_(std::move(name)), options_(options) {}

std::string_view DatasetBuilder::Text() const {
  return dataset_.buffer_->text;
}

Status DatasetBuilder::Problem(const Record& record, const std::string& field, const std::string& what,
                               std::vector<RecordProblem>* into) {
  std::string message = RecordWhere(name_, record) + (field.empty() ? "" : ": field '" + field + "'") + ": " + what;
  if (!options_.collect_record_problems) return Status::InvalidInput(message);
  into->push_back(RecordProblem{record.index, field, std::move(message)});
  return Status::Ok();
}

Result<Dataset> DatasetBuilder::Build(std::unique_ptr<Dataset::Buffer> buffer) {
  dataset_.path_ = name_;
  dataset_.buffer_ = std::move(buffer);
  XMAS_ASSIGN_OR_RETURN(dataset_.format_.container, DetectContainer(Text(), name_));
  XMAS_ASSIGN_OR_RETURN(std::vector<JsonMember> members, FindRecords());
  XMAS_RETURN_IF_ERROR(ReadRecords(members));
  AssignUniqueIdx(&dataset_.records_);
  XMAS_RETURN_IF_ERROR(CheckKeysUnique());
  auto& problems = dataset_.load_problems_;
  std::stable_sort(problems.begin(), problems.end(),
                   [](const RecordProblem& a, const RecordProblem& b) { return a.index < b.index; });
  return std::move(dataset_);
}

Result<std::vector<JsonMember>> DatasetBuilder::FindRecords() {
  const std::string_view text = Text();
  const char open = dataset_.format_.container == Container::kJsonLines ? '\n' : '[';
  MemberScanner scanner(open, name_, [text](uint64_t at) { return LineColumn(text, at); });
  std::vector<JsonMember> members;
  // Large arrays are cut on every core; the sequential scan decides the rest
  // (and words every error).
  constexpr size_t kParallelFrom = 4u << 20;
  if (open == '[' && text.size() >= kParallelFrom && ThreadCount(options_.threads) > 1 &&
      SplitArrayInParallel(text, options_.threads, &members)) {
    return members;
  }
  size_t pos = 0;
  XMAS_RETURN_IF_ERROR(scanner.Scan(text, 0, &pos, &members));
  XMAS_RETURN_IF_ERROR(scanner.Finish(text, 0, &members));
  return members;
}

Status DatasetBuilder::ReadRecords(const std::vector<JsonMember>& members) {
  const std::string_view text = Text();
  const FileSchema file = DetectFileSchema(text, 0, members, 0);
  dataset_.format_.schema = file.schema;
  dataset_.records_.resize(members.size());
  problems_.assign(ThreadCount(options_.threads), {});
  const uint64_t mib = text.size() >> 20;
  std::unique_ptr<Progress> bar;
  if (options_.show_progress) bar = std::make_unique<Progress>("load " + name_, mib, "MiB");
  XMAS_RETURN_IF_ERROR(ScanRecords(
      text, 0, members, 0, file, options_.max_images, options_.threads, name_,
      [text](uint64_t at) { return LineColumn(text, at); },
      [&](size_t worker, size_t i, RecordFields& fields, std::vector<FieldProblem>& problems) {
        return Take(worker, i, members[i], fields, problems);
      },
      [&](size_t done) {
        if (bar && done > 0) bar->Set(members[std::min(done, members.size()) - 1].end >> 20);
      }));
  for (auto& list : problems_) {
    for (auto& p : list) dataset_.load_problems_.push_back(std::move(p));
  }
  if (bar) {
    bar->Set(mib);
    bar->Finish();
  }
  return Status::Ok();
}

Status DatasetBuilder::Take(size_t worker, size_t index, const JsonMember& member, RecordFields& fields,
                            const std::vector<FieldProblem>& problems) {
  Record& record = dataset_.records_[index];
  record.index = index;
  record.id = std::move(fields.id);
  record.id_is_number = fields.id_is_number;
  if (fields.is_object) record.raw = Text().substr(member.begin, member.end - member.begin);
  if (!fields.images.empty()) {
    record.image = std::move(fields.images.front());
    record.more_images.assign(std::make_move_iterator(fields.images.begin() + 1),
                              std::make_move_iterator(fields.images.end()));
  }
  record.image_is_list = fields.image_is_list;
  record.image_key = fields.image_key;
  record.schema = fields.has_turns ? fields.schema : dataset_.format_.schema;
  record.num_turns = fields.num_turns;
  record.source = SourceOf(record.image, fields.task_name.empty() ? nullptr : &fields.task_name);
  for (const FieldProblem& p : problems) {
    XMAS_RETURN_IF_ERROR(Problem(record, p.field, p.what, &problems_[worker]));
  }
  if (record.raw.size() > options_.max_record_bytes) {
    XMAS_RETURN_IF_ERROR(Problem(record, "", "record is " + std::to_string(record.raw.size()) +
                                                 " bytes, above the limit of " +
                                                 std::to_string(options_.max_record_bytes),
                                 &problems_[worker]));
  }
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
                                   "key '" + record.unique_idx + "' is also record " + std::to_string(other) +
                                       "'s (an id looks like another record's \"#n\" key); "
                                       "the authors' keys cannot tell them apart",
                                   &dataset_.load_problems_));
    }
  }
  dataset_.unique_index_ = std::move(index);
  return Status::Ok();
}

}  // namespace xmas::data
