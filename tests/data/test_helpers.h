// Shared helpers for the data-layer tests: temporary folders and files.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "xmas/data/dataset.h"

namespace xmas::data::testing {

namespace fs = std::filesystem;

// A fresh, empty folder under the system temp dir, unique to this process.
inline fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("xmas_dataset_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline LoadOptions Quiet(bool collect = false) {
  LoadOptions options;
  options.show_progress = false;
  options.collect_record_problems = collect;
  return options;
}

inline Result<Dataset> ParseText(const std::string& json, bool collect = false) {
  return Dataset::Parse(json, "t.json", Quiet(collect));
}

}  // namespace xmas::data::testing
