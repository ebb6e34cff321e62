#include "xmas/data/validate.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "xmas/data/dataset_internal.h"
#include "xmas/util/enum_names.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::data {
namespace {

constexpr std::string_view kImageToken = "<image>";

size_t CountImageTokens(std::string_view text) {
  size_t count = 0;
  for (size_t at = text.find(kImageToken); at != std::string_view::npos;
       at = text.find(kImageToken, at + kImageToken.size())) {
    ++count;
  }
  return count;
}

// The field a "...: field 'conversations[1].value': ..." message names.
std::string FieldNamedIn(const std::string& message, const std::string& fallback) {
  const std::string marker = ": field '";
  const size_t start = message.find(marker);
  if (start == std::string::npos) return fallback;
  const size_t begin = start + marker.size();
  return message.substr(begin, message.find('\'', begin) - begin);
}

class RecordChecker {
 public:
  RecordChecker(const Dataset& dataset, size_t index, const ValidateOptions& options)
      : dataset_(dataset), index_(index), options_(options), record_(dataset[index]) {}

  std::vector<RecordProblem> Run() {
    if (record_.raw.empty()) return std::move(problems_);  // not an object: a load problem already
    if (options_.check_content && record_.id.empty() && !record_.id_is_number && !HasLoadProblem("id")) {
      Add("id", "empty");
    }
    CheckConversations();
    if (record_.has_image() && !options_.image_folder.empty()) {
      const std::string key = record_.image_key;
      CheckImageFile(record_.image_is_list ? key + "[0]" : key, record_.image);
      for (size_t k = 0; k < record_.more_images.size(); ++k) {
        CheckImageFile(key + "[" + std::to_string(k + 1) + "]", record_.more_images[k]);
      }
    }
    return std::move(problems_);
  }

 private:
  void Add(const std::string& field, const std::string& what) {
    problems_.push_back(RecordProblem{index_, field, dataset_.Where(index_) + ": field '" + field + "': " + what});
  }

  void CheckConversations() {
    const SchemaKeys& keys = KeysOf(record_.schema);
    if (HasLoadProblem(keys.turns)) return;  // wrong type: reported at load
    size_t turns = 0, tokens = 0, skipped = 0;  // skipped: a leading system message
    std::string wrong_field, wrong_what;
    Status status = dataset_.ForEachTurn(index_, [&](size_t k, std::string_view from, std::string_view text) {
      if (k == 0) turns = tokens = skipped = 0, wrong_field.clear();  // a repeated key: the last one counts
      ++turns;
      tokens += CountImageTokens(text);
      if (k == 0 && record_.schema == Schema::kMessages && from == "system") {
        skipped = 1;
        return;
      }
      const char* expected = (k - skipped) % 2 == 0 ? keys.first : keys.second;
      if (wrong_field.empty() && from != expected) {
        wrong_field = std::string(keys.turns) + "[" + std::to_string(k) + "]." + keys.speaker;
        wrong_what = std::string("expected '") + expected + "', found '" + std::string(from) +
                     "' (turns must alternate " + keys.first + "/" + keys.second + ", starting with " + keys.first +
                     (record_.schema == Schema::kMessages ? ", after an optional leading system message)" : ")");
      }
    });
    if (!status.ok()) {
      problems_.push_back(RecordProblem{index_, FieldNamedIn(status.message(), keys.turns), status.message()});
      return;
    }
    if (!options_.check_content) return;
    if (turns == skipped) return Add(keys.turns, "missing or empty");
    if (!wrong_field.empty()) Add(wrong_field, wrong_what);
    if ((turns - skipped) % 2 == 1) {
      Add(keys.turns, std::string("ends with a '") + keys.first + "' turn that has no '" + keys.second + "' answer");
    }
    CheckImageTokens(tokens);
  }

  void CheckImageTokens(size_t tokens) {
    const size_t images = record_.num_images();
    const std::string field = KeysOf(record_.schema).turns;
    if (images == 1 && tokens != 1) {
      Add(field, "an image record needs exactly one <image>, found " + std::to_string(tokens));
    } else if (images > 1 && tokens != images) {
      Add(field, "a record with " + std::to_string(images) + " images needs one <image> per image, found " +
                     std::to_string(tokens));
    } else if (images == 0 && tokens != 0) {
      Add(field, "a text-only record must not contain <image>, found " + std::to_string(tokens));
    }
  }

  void CheckImageFile(const std::string& field, const std::string& image) {
    auto path = ResolveImagePath(options_.image_folder, image, options_.allow_outside_image_folder);
    if (!path.ok()) return Add(field, path.status().message());
    Status status = options_.decode_images ? LoadImage(*path, options_.image_limits).status()
                                           : ReadImageInfo(*path, options_.image_limits).status();
    if (!status.ok()) Add(field, status.message());
  }

  bool HasLoadProblem(const std::string& field) const {
    const auto& all = dataset_.load_problems();  // sorted by record index
    auto it = std::lower_bound(all.begin(), all.end(), index_,
                               [](const RecordProblem& p, size_t i) { return p.index < i; });
    for (; it != all.end() && it->index == index_; ++it) {
      if (it->field == field) return true;
    }
    return false;
  }

  const Dataset& dataset_;
  size_t index_;
  const ValidateOptions& options_;
  const Record& record_;
  std::vector<RecordProblem> problems_;
};

std::string KindOf(const std::string& field) {
  if (field.empty()) return "record";
  return field.substr(0, field.find_first_of("[."));
}

}  // namespace

std::vector<RecordProblem> ValidateRecord(const Dataset& dataset, size_t index, const ValidateOptions& options) {
  return RecordChecker(dataset, index, options).Run();
}

ValidationReport ValidateDataset(const Dataset& dataset, const ValidateOptions& options) {
  const size_t n = dataset.size();
  std::vector<std::vector<RecordProblem>> found(n);
  std::atomic<size_t> next{0}, done{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      found[i] = ValidateRecord(dataset, i, options);
      done.fetch_add(1);
    }
  };
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t threads = std::min<size_t>(options.threads > 0 ? options.threads : cores, std::max<size_t>(n, 1));
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  {
    std::unique_ptr<Progress> bar;
    if (options.show_progress) bar = std::make_unique<Progress>("validate", n, "rec");
    // The calling thread works too and owns the progress bar.
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      found[i] = ValidateRecord(dataset, i, options);
      done.fetch_add(1);
      if (bar) bar->Set(done.load());
    }
    for (auto& worker : workers) worker.join();
    if (bar) bar->Set(n);
  }
  ValidationReport report;
  report.num_records = n;
  std::vector<std::vector<RecordProblem>> by_record(n);
  for (const RecordProblem& p : dataset.load_problems()) by_record[p.index].push_back(p);
  for (size_t i = 0; i < n; ++i) {
    for (auto& p : found[i]) by_record[i].push_back(std::move(p));
    if (by_record[i].empty()) continue;
    report.bad_records.push_back(i);
    for (auto& p : by_record[i]) report.problems.push_back(std::move(p));
  }
  return report;
}

std::map<std::string, size_t> ValidationReport::CountsByKind() const {
  std::map<std::string, size_t> counts;
  for (const RecordProblem& p : problems) ++counts[KindOf(p.field)];
  return counts;
}

std::string ValidationReport::Summary() const {
  std::string text = "checked " + std::to_string(num_records) + " records: ";
  if (problems.empty()) return text + "no problems";
  text += std::to_string(bad_records.size()) + " with problems (" + std::to_string(problems.size()) +
          (problems.size() == 1 ? " problem: " : " problems: ");
  bool first = true;
  for (const auto& [kind, count] : CountsByKind()) {
    text += (first ? "" : ", ") + kind + " " + std::to_string(count);
    first = false;
  }
  return text + ")";
}

Result<OnError> ParseOnError(const std::string& name) {
  static constexpr EnumName<OnError> kNames[] = {{OnError::kFail, "fail"}, {OnError::kSkip, "skip"}};
  return ParseEnum(kNames, name, "--on-error");
}

Result<std::vector<size_t>> ApplyOnError(const ValidationReport& report, OnError policy) {
  if (!report.ok() && policy == OnError::kFail) {
    std::string message = report.problems.front().message;
    if (report.problems.size() > 1) {
      message += " (and " + std::to_string(report.problems.size() - 1) +
                 " more problems; `xmas data validate` lists them, --on-error skip leaves bad records out)";
    }
    return Status::InvalidInput(message);
  }
  for (const RecordProblem& p : report.problems) log::Warn("skipping record ", p.index, ": ", p.message);
  if (!report.ok()) {
    log::Warn("skipped ", report.bad_records.size(), " of ", report.num_records, " records with problems");
  }
  std::vector<size_t> good;
  good.reserve(report.num_records - report.bad_records.size());
  size_t b = 0;
  for (size_t i = 0; i < report.num_records; ++i) {
    if (b < report.bad_records.size() && report.bad_records[b] == i) {
      ++b;
    } else {
      good.push_back(i);
    }
  }
  return good;
}

Result<std::vector<size_t>> CheckRecords(const Dataset& dataset, const ValidateOptions& options, OnError policy) {
  return ApplyOnError(ValidateDataset(dataset, options), policy);
}

}  // namespace xmas::data
