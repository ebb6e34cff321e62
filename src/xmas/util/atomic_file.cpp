#include "xmas/util/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace xmas {
namespace fs = std::filesystem;

namespace {
std::atomic<unsigned> g_temp_counter{0};
constexpr const char* kTempMark = ".tmp-";  // "<path>.tmp-<pid>-<n>" while being written

std::string Errno() { return std::strerror(errno); }

void FsyncDirectoryOf(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Whether `path` lies below `dir` (both canonical).
bool IsInside(const fs::path& path, const fs::path& dir) {
  auto p = path.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
    if (p == path.end() || *p != *d) return false;
  }
  return p != path.end();
}
}  // namespace

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Discard() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (!temp_path_.empty()) {
    std::remove(temp_path_.c_str());
    temp_path_.clear();
  }
}

Status AtomicFile::Open(const std::string& path) {
  Discard();
  path_ = path;
  write_failed_ = false;
  temp_path_ = path + kTempMark + std::to_string(::getpid()) + "-" +
               std::to_string(g_temp_counter.fetch_add(1));
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (file_ == nullptr) {
    std::string err = Errno();
    temp_path_.clear();
    return Status::IoError(path + ": cannot create output file: " + err);
  }
  return Status::Ok();
}

Status AtomicFile::Write(std::string_view bytes) {
  if (file_ == nullptr) return Status::Internal(path_ + ": write to a file that is not open");
  if (bytes.empty()) return Status::Ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    write_failed_ = true;
    return Status::IoError(path_ + ": write failed: " + Errno());
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (file_ == nullptr) return Status::Internal(path_ + ": commit of a file that is not open");
  if (write_failed_) {
    Discard();
    return Status::IoError(path_ + ": not written because an earlier write failed");
  }
  bool ok = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
  std::string err = ok ? "" : Errno();
  ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (!ok) {
    Discard();
    return Status::IoError(path_ + ": flush failed: " + (err.empty() ? Errno() : err));
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    std::string rename_err = Errno();
    Discard();
    return Status::IoError(path_ + ": cannot move the finished file into place: " + rename_err);
  }
  temp_path_.clear();
  FsyncDirectoryOf(path_);
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes) {
  AtomicFile file;
  XMAS_RETURN_IF_ERROR(file.Open(path));
  XMAS_RETURN_IF_ERROR(file.Write(bytes));
  return file.Commit();
}

Result<std::string> ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IoError(path + ": cannot open: " + Errno());
  }
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::IoError(path + ": read failed");
  return out;
}

Status CheckOutputIsNotInput(const std::string& output, const std::vector<std::string>& inputs) {
  std::error_code ec;
  for (const auto& input : inputs) {
    if (input.empty()) continue;
    bool same = fs::exists(output, ec) && fs::exists(input, ec) && fs::equivalent(output, input, ec);
    if (!same) {
      same = fs::weakly_canonical(output, ec) == fs::weakly_canonical(input, ec);
    }
    if (same) {
      return Status::Usage(output + ": output would overwrite the input " + input);
    }
    if (fs::is_directory(input, ec) && IsInside(fs::weakly_canonical(output, ec), fs::weakly_canonical(input, ec))) {
      return Status::Usage(output + ": output would be written inside the input folder " + input);
    }
  }
  return Status::Ok();
}

bool ProcessIsRunning(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

Result<size_t> RemoveAbandonedTemporaries(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> abandoned;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const size_t mark = name.rfind(kTempMark);
    if (mark == std::string::npos || !it->is_regular_file(ec)) continue;
    char* end_of_pid = nullptr;
    const long pid = std::strtol(name.c_str() + mark + std::strlen(kTempMark), &end_of_pid, 10);
    if (pid > 0 && *end_of_pid == '-' && pid != ::getpid() && !ProcessIsRunning(pid)) {
      abandoned.push_back(it->path());
    }
  }
  if (ec) return Status::IoError(dir + ": cannot list: " + ec.message());
  for (const auto& path : abandoned) {
    if (!fs::remove(path, ec) && ec) return Status::IoError(path.string() + ": cannot remove: " + ec.message());
  }
  return abandoned.size();
}

Status PrepareOutputDir(const std::string& dir, bool overwrite) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return Status::Usage(dir + ": exists and is not a directory");
    if (!overwrite && !fs::is_empty(dir, ec)) {
      return Status::Usage(dir + ": output directory is not empty (pass --overwrite to write into it)");
    }
    return Status::Ok();
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create directory: " + ec.message());
  return Status::Ok();
}

}  // namespace xmas
