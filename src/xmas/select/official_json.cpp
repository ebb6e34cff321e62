#include "xmas/select/official_json.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <regex>
#include <thread>

#include "xmas/data/json_chunks.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::select {
namespace fs = std::filesystem;
namespace {

const std::regex& SvdPattern() {
  static const std::regex re(files::kOfficialSvdRegex);
  return re;
}
const std::regex& LossPattern() {
  static const std::regex re(files::kOfficialLossRegex);
  return re;
}

// A decimal number from a file name; false if it does not fit `*out`.
template <typename Int>
bool ParseNameNumber(const std::string& digits, Int* out) {
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

std::string Quote(std::string_view key) { return "'" + std::string(key) + "'"; }

// "<file>: row <index> (key '<unique_idx>')": where a value is, for errors.
std::string Where(const std::string& path, size_t index, std::string_view key) {
  return path + ": row " + std::to_string(index) + " (key " + Quote(key) + ")";
}

// One value of a file: a number, or Python's NaN / Infinity / -Infinity.
Status ReadNumber(simdjson::ondemand::value v, bool allow_nan, const std::string& where,
                  double* out) {
  if (v.get_double().get(*out) == simdjson::SUCCESS) return Status::Ok();
  std::string_view token = v.raw_json_token();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
    token.remove_suffix(1);
  }
  double special;
  if (token == "NaN") {
    special = std::numeric_limits<double>::quiet_NaN();
  } else if (token == "Infinity") {
    special = std::numeric_limits<double>::infinity();
  } else if (token == "-Infinity") {
    special = -std::numeric_limits<double>::infinity();
  } else {
    return Status::InvalidInput(where + ": expected a number, got '" + std::string(token.substr(0, 40)) + "'");
  }
  if (!allow_nan) {
    return Status::InvalidInput(where + ": value " + std::string(token) +
                                " (NaN/Infinity are accepted only with --compat official)");
  }
  *out = special;
  return Status::Ok();
}

// Python's sorted(reverse=True) puts NaN where its comparisons leave it; we
// put NaN first so a NaN among the values makes the Σ NaN, as it does when
// k equals the list length (the authors' case).
bool Descending(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  return a > b;
}

struct FileReader {
  const OfficialReadOptions& options;
  size_t dims;
  int top_k;
  size_t row_length = 0;  // values every list of the current file holds (top<k> of its name)
  simdjson::ondemand::parser parser{};
  std::vector<double> scratch{};

  // Writes the features of one value into out[0..dims).
  Status Features(simdjson::ondemand::value v, const std::string& where, float* out) {
    double x;
    if (options.metric == OfficialMetric::kLoss) {
      XMAS_RETURN_IF_ERROR(ReadNumber(v, options.allow_nan, where, &x));
      out[0] = static_cast<float>(x);
      return Status::Ok();
    }
    simdjson::ondemand::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) {
      return Status::InvalidInput(where + ": expected a list of singular values");
    }
    scratch.clear();
    for (auto el : arr) {
      simdjson::ondemand::value ev;
      if (el.get(ev) != simdjson::SUCCESS) return Status::InvalidInput(where + ": malformed list");
      XMAS_RETURN_IF_ERROR(ReadNumber(ev, options.allow_nan, where, &x));
      scratch.push_back(x);
    }
    if (scratch.size() != row_length) {
      return Status::InvalidInput(where + ": " + std::to_string(scratch.size()) + " singular values, expected " +
                                  std::to_string(row_length) + " (top" + std::to_string(row_length) +
                                  " in the file name)");
    }
    std::sort(scratch.begin(), scratch.end(), Descending);
    const size_t used = std::min(scratch.size(), static_cast<size_t>(top_k));
    if (options.keep_all) {
      for (size_t d = 0; d < dims; ++d) out[d] = d < used ? static_cast<float>(scratch[d]) : 0.f;
    } else {
      double sum = 0.0;
      for (size_t d = 0; d < used; ++d) sum += scratch[d];
      out[0] = static_cast<float>(sum);
    }
    return Status::Ok();
  }

  // Visits every (key, value) of the file at `path`, 1 MiB at a time
  // (the whole file is never held: eight 60 MB files stay within budget).
  template <typename Fn>
  Status ForEach(const std::string& path, Fn&& fn) {
    XMAS_ASSIGN_OR_RETURN(data::JsonChunkReader reader, data::JsonChunkReader::Open(path, '{', 1u << 20));
    size_t index = 0;
    for (;;) {
      Result<bool> more = reader.Next();
      if (!more.ok()) {
        return Status::InvalidInput(more.status().message() + " (expected a JSON object {unique_idx: values})");
      }
      if (!*more) break;
      simdjson::ondemand::document doc;
      simdjson::ondemand::object obj;
      if (parser.iterate(reader.json()).get(doc) != simdjson::SUCCESS ||
          doc.get_object().get(obj) != simdjson::SUCCESS) {
        return Status::InvalidInput(path + ": expected a JSON object {unique_idx: values}");
      }
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
          return Status::InvalidInput(path + ": entry " + std::to_string(index) + ": malformed key");
        }
        simdjson::ondemand::value v;
        if (field.value().get(v) != simdjson::SUCCESS) {
          return Status::InvalidInput(path + ": key " + Quote(key) + ": malformed value");
        }
        XMAS_RETURN_IF_ERROR(fn(index++, key, v));
      }
    }
    return Status::Ok();
  }
};

Status ReadFirst(FileReader* reader, const std::string& path, Trajectories* t,
                 std::vector<float>* first) {
  return reader->ForEach(path, [&](size_t index, std::string_view key, simdjson::ondemand::value v) {
    uint32_t existing = 0;
    if (t->keys.Insert(key, &existing) == KeyTable::kNone) {
      return Status::InvalidInput(path + ": key " + Quote(key) + ": duplicate key");
    }
    first->resize(first->size() + reader->dims);
    return reader->Features(v, Where(path, index, key),
                            first->data() + first->size() - reader->dims);
  });
}

Status ReadLater(FileReader* reader, const std::string& path, size_t column, Trajectories* t) {
  const size_t n = t->rows(), width = t->width();
  std::vector<uint8_t> seen(n, 0);
  XMAS_RETURN_IF_ERROR(reader->ForEach(path, [&](size_t index, std::string_view key,
                                                 simdjson::ondemand::value v) {
    // Files are normally written in one order: try the same position first.
    uint32_t row = index < n && t->keys.key(index) == key ? static_cast<uint32_t>(index)
                                                          : t->keys.Find(key);
    if (row == KeyTable::kNone) {
      return Status::InvalidInput(path + ": key " + Quote(key) +
                                  ": not in the first checkpoint file (extra key)");
    }
    if (seen[row]) return Status::InvalidInput(path + ": key " + Quote(key) + ": duplicate key");
    seen[row] = 1;
    return reader->Features(v, Where(path, index, key),
                            t->values.data() + row * width + column * reader->dims);
  }));
  auto missing = std::find(seen.begin(), seen.end(), 0);
  if (missing != seen.end()) {
    return Status::InvalidInput(path + ": key " + Quote(t->keys.key(missing - seen.begin())) +
                                ": missing (present in the first checkpoint file)");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<OfficialFile>> ListOfficialFiles(const std::string& dir, OfficialMetric metric) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": not a directory");
  std::vector<OfficialFile> files;
  const std::regex& re = metric == OfficialMetric::kAttnSvd ? SvdPattern() : LossPattern();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, m, re)) continue;
    OfficialFile f;
    f.path = entry.path().string();
    if (!ParseNameNumber(m[1].str(), &f.step)) {
      return Status::InvalidInput(f.path + ": the step in the file name is out of range");
    }
    if (metric == OfficialMetric::kAttnSvd &&
        (!ParseNameNumber(m[3].str(), &f.top_k) || f.top_k < 1 || f.top_k > kMaxOfficialTopK)) {
      return Status::InvalidInput(f.path + ": top-k in the file name must be 1.." +
                                  std::to_string(kMaxOfficialTopK));
    }
    files.push_back(f);
  }
  if (ec) return Status::IoError(dir + ": cannot list directory: " + ec.message());
  if (files.empty()) {
    return Status::NotFound(dir + ": no " +
                            (metric == OfficialMetric::kAttnSvd ? files::kOfficialSvdPattern
                                                                : files::kOfficialLossPattern) + " files");
  }
  std::sort(files.begin(), files.end(), [](const OfficialFile& a, const OfficialFile& b) {
    return a.step != b.step ? a.step < b.step : a.path < b.path;
  });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].step == files[i - 1].step) {
      return Status::InvalidInput(files[i].path + ": step " + std::to_string(files[i].step) +
                                  " also in " + files[i - 1].path);
    }
  }
  return files;
}

bool IsOfficialDir(const std::string& dir) {
  return ListOfficialFiles(dir, OfficialMetric::kAttnSvd).ok() ||
         ListOfficialFiles(dir, OfficialMetric::kLoss).ok();
}

Result<Trajectories> ReadOfficialTrajectories(const std::string& dir,
                                              const OfficialReadOptions& options) {
  XMAS_ASSIGN_OR_RETURN(auto files, ListOfficialFiles(dir, options.metric));
  int top_k = options.top_k;
  if (top_k > kMaxOfficialTopK) {
    return Status::InvalidInput("--top-k " + std::to_string(top_k) + ": at most " +
                                std::to_string(kMaxOfficialTopK));
  }
  if (options.metric == OfficialMetric::kAttnSvd && top_k <= 0) {
    top_k = files[0].top_k;
    for (const auto& f : files) {
      if (f.top_k != top_k) {
        return Status::InvalidInput(f.path + ": top" + std::to_string(f.top_k) + " differs from " +
                                    files[0].path + "; pass --top-k");
      }
    }
  }
  for (const auto& f : files) {
    if (options.metric == OfficialMetric::kAttnSvd && f.top_k < top_k) {
      return Status::InvalidInput(f.path + ": holds top" + std::to_string(f.top_k) + " values, fewer than --top-k " +
                                  std::to_string(top_k));
    }
  }
  const size_t dims = options.metric == OfficialMetric::kAttnSvd && options.keep_all ? top_k : 1;
  Trajectories t;
  t.dims = dims;
  for (const auto& f : files) t.steps.push_back(f.step);

  Progress progress("read trajectories", files.size(), "file");
  std::vector<float> first;
  {
    FileReader reader{options, dims, top_k};
    if (options.expected_rows > 0) {
      t.keys.Reserve(options.expected_rows, options.expected_key_bytes);
      first.reserve(options.expected_rows * dims);
    }
    reader.row_length = files[0].top_k;
    XMAS_RETURN_IF_ERROR(ReadFirst(&reader, files[0].path, &t, &first));
  }
  progress.Add(1);
  const size_t n = t.rows(), width = t.width();
  t.values.assign(n * width, 0.f);
  t.valid.assign(n, 1);
  for (size_t i = 0; i < n; ++i) {
    std::copy(first.begin() + i * dims, first.begin() + (i + 1) * dims, t.values.begin() + i * width);
  }
  std::vector<float>().swap(first);

  // The later files fill disjoint columns: read them on two threads.
  std::vector<Status> statuses(files.size());
  std::atomic<size_t> next{1}, done{1};
  auto worker = [&] {
    FileReader reader{options, dims, top_k};
    for (size_t f; (f = next.fetch_add(1)) < files.size(); done.fetch_add(1)) {
      reader.row_length = files[f].top_k;
      statuses[f] = ReadLater(&reader, files[f].path, f, &t);
    }
  };
  std::vector<std::thread> threads;
  const size_t workers = std::min<size_t>(2, files.size() - 1);
  for (size_t w = 0; w < workers; ++w) threads.emplace_back(worker);
  while (done.load() < files.size() && workers > 0) {
    progress.Set(done.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& th : threads) th.join();
  progress.Set(files.size());
  progress.Finish();
  for (const auto& st : statuses) XMAS_RETURN_IF_ERROR(st);
  log::Info("read ", n, " trajectories over ", files.size(), " checkpoints from ", dir);
  return t;
}

}  // namespace xmas::select
