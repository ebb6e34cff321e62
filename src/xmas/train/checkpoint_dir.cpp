#include "xmas/train/checkpoint_dir.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace fs = std::filesystem;

namespace xmas::train {

namespace {

constexpr const char* kTempMark = ".tmp-";

std::string TempName(const fs::path& dir, const char* what) {
  static std::atomic<int> counter{0};
  return (dir.parent_path() / ("." + dir.filename().string() + kTempMark + what + "-" +
                               std::to_string(::getpid()) + "-" + std::to_string(counter++)))
      .string();
}

// A temporary of WriteDirAtomic: ".<target>.tmp-<what>-<pid>-<n>".
struct TempEntry {
  std::string target;
  std::string what;
  long pid = -1;
};

bool ParseTempName(const std::string& name, TempEntry* e) {
  const size_t mark = name.find(kTempMark);
  if (name.empty() || name[0] != '.' || mark == std::string::npos || mark < 2) return false;
  const std::string rest = name.substr(mark + std::strlen(kTempMark));  // <what>-<pid>-<n>
  const size_t dash = rest.find('-');
  if (dash == std::string::npos) return false;
  e->target = name.substr(1, mark - 1);
  e->what = rest.substr(0, dash);
  e->pid = std::strtol(rest.c_str() + dash + 1, nullptr, 10);
  return (e->what == "new" || e->what == "old") && e->pid > 0;
}

}  // namespace


Status WriteDirAtomic(const std::string& dir_str,
                      const std::function<Status(const std::string& temp_dir)>& fill) {
  const fs::path dir = fs::path(dir_str).lexically_normal();
  std::error_code ec;
  const std::string temp = TempName(dir, "new");
  fs::create_directories(temp, ec);
  if (ec) return Status::IoError(temp + ": cannot create directory: " + ec.message());
  Status st = fill(temp);
  if (!st.ok()) {
    fs::remove_all(temp, ec);
    return st;
  }
  // A directory cannot be renamed over a non-empty one: move the old one
  // aside first, then drop it once the new one is in place.
  std::string old;
  if (fs::exists(dir, ec)) {
    old = TempName(dir, "old");
    fs::rename(dir, old, ec);
    if (ec) {
      fs::remove_all(temp, ec);
      return Status::IoError(dir.string() + ": cannot replace: " + ec.message());
    }
  }
  fs::rename(temp, dir, ec);
  if (ec) {
    const std::string msg = dir.string() + ": cannot rename the finished directory into place: " + ec.message();
    if (!old.empty()) fs::rename(old, dir, ec);
    return Status::IoError(msg);
  }
  if (!old.empty()) fs::remove_all(old, ec);
  return Status::Ok();
}

std::vector<int64_t> ListCheckpoints(const std::string& run_dir) {
  std::vector<int64_t> steps;
  std::error_code ec;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const int64_t step = files::CheckpointStep(it->path().filename().string());
    if (step >= 0 && fs::exists(it->path() / files::kTrainerState)) steps.push_back(step);
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

Result<std::string> LatestCheckpoint(const std::string& run_dir) {
  auto steps = ListCheckpoints(run_dir);
  if (steps.empty()) return Status::NotFound(run_dir + ": no complete checkpoint-<step> directory to resume from");
  return (fs::path(run_dir) / CheckpointName(steps.back())).string();
}

Status RecoverInterruptedWrites(const std::string& run_dir) {
  std::error_code ec;
  std::vector<std::pair<fs::path, TempEntry>> left;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    TempEntry e;
    if (ParseTempName(it->path().filename().string(), &e) && !ProcessIsRunning(e.pid)) {
      left.emplace_back(it->path(), e);
    }
  }
  for (const auto& [path, e] : left) {
    const fs::path target = fs::path(run_dir) / e.target;
    if (e.what == "old" && !fs::exists(target, ec)) {
      fs::rename(path, target, ec);
      if (ec) return Status::IoError(path.string() + ": cannot restore as " + target.string() + ": " + ec.message());
      log::Warn(target.string(), ": restored from ", path.string(), " (a killed run was replacing it)");
    } else {
      fs::remove_all(path, ec);
      if (ec) return Status::IoError(path.string() + ": cannot remove: " + ec.message());
      log::Info("removed ", path.string(), ", left by a killed run");
    }
  }
  return Status::Ok();
}

Status ClearRunOutputs(const std::string& run_dir) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool ours = files::CheckpointStep(name) >= 0 || name == files::kFinal || name == files::kMetricsLog ||
                      name == files::kTokenizer || name == files::kTrainArgs ||
                      (name[0] == '.' && name.find(kTempMark) != std::string::npos);
    if (ours) doomed.push_back(it->path());
  }
  for (const auto& p : doomed) {
    fs::remove_all(p, ec);
    if (ec) return Status::IoError(p.string() + ": cannot remove: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace xmas::train
