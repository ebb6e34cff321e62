// Atomic output files: write to a temporary file beside the target, fsync,
// then rename over the target. A crash or an error leaves either the old file
// or the complete new one, never a truncated output.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/util/status.h"

namespace xmas {

class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();  // discards the temporary file unless Commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates "<path>.tmp-<pid>-<n>" in the target's directory (which must exist).
  Status Open(const std::string& path);
  Status Write(std::string_view bytes);
  // Flushes, fsyncs and renames onto the target path.
  Status Commit();
  const std::string& path() const { return path_; }

 private:
  void Discard();
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool write_failed_ = false;
};

// Writes `bytes` to `path` atomically.
Status WriteFileAtomic(const std::string& path, std::string_view bytes);

// Reads a whole file. Errors name the file.
Result<std::string> ReadFile(const std::string& path);

// Refuses an output that is one of the inputs (same file, through links or
// not) or lies inside an input that is a folder: "no command writes over one
// of its inputs".
Status CheckOutputIsNotInput(const std::string& output, const std::vector<std::string>& inputs);

// Whether a process with this pid is running on this machine.
bool ProcessIsRunning(long pid);

// Removes, anywhere below `dir`, the temporaries AtomicFile leaves when its
// process is killed ("<name>.tmp-<pid>-<n>" of a process no longer running,
// never this process's). For a command resuming into an output folder that
// it alone writes. Returns how many files it removed.
Result<size_t> RemoveAbandonedTemporaries(const std::string& dir);

// Creates `dir` (and parents) if missing. If it exists and is not empty,
// fails unless `overwrite` is true.
Status PrepareOutputDir(const std::string& dir, bool overwrite);

}  // namespace xmas
