// Helpers shared by the fuzz harnesses: splitting one input into several
// files, and a scratch directory to hold them (readers of directories and
// paths are fuzzed through real files, as users feed them).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace xmas::fuzz {

// Separates the files packed into one fuzz input (seeds are made by joining
// real files with it; see fuzz/make_seeds.py).
constexpr std::string_view kPartSeparator = "\n#~#\n";

inline std::vector<std::string_view> SplitParts(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  for (size_t at; (at = rest.find(kPartSeparator)) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + kPartSeparator.size());
  }
  parts.push_back(rest);
  return parts;
}

// A per-process directory (on tmpfs when there is one), emptied on every
// Fresh() call and removed at exit.
class ScratchDir {
 public:
  static ScratchDir& Get() {
    static ScratchDir dir;
    return dir;
  }
  const std::string& Fresh() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    std::filesystem::create_directories(path_, ec);
    if (ec) std::abort();
    return path_;
  }
  void Write(const std::string& name, std::string_view bytes) const {
    std::ofstream out(path_ + "/" + name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

 private:
  ScratchDir() {
    std::error_code ec;
    const bool shm = std::filesystem::is_directory("/dev/shm", ec);
    path_ = std::string(shm ? "/dev/shm" : std::filesystem::temp_directory_path().string().c_str()) +
            "/xmas-fuzz-" + std::to_string(::getpid());
  }
  std::string path_;
};

}  // namespace xmas::fuzz
