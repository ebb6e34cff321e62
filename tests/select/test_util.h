// Helpers shared by the selection tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace xmas::select::testing {

// A fresh temporary directory, removed at destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/xmas-select-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// gunzips `gz` to `out` (the golden files are stored compressed).
inline void Gunzip(const std::string& gz, const std::string& out) {
  const std::string cmd = "gzip -dc '" + gz + "' > '" + out + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace xmas::select::testing

#include <fstream>
#include <vector>

#include "xmas/store/store.h"

namespace xmas::select::testing {

// A small LLaVA file: `images` records with an image (sources "coco"/"gqa"
// alternating), then `texts` text-only ones. Returns the unique_idx of each.
inline std::vector<std::string> WriteDataset(const std::string& path, size_t images, size_t texts) {
  std::vector<std::string> keys;
  std::ofstream out(path);
  out << "[";
  for (size_t i = 0; i < images + texts; ++i) {
    const std::string id = "r" + std::to_string(i);
    out << (i ? ",\n" : "\n") << "{\"id\": \"" << id << "\", ";
    if (i < images) {
      const std::string image = std::string(i % 2 ? "gqa" : "coco") + "/img" + std::to_string(i) + ".jpg";
      out << "\"image\": \"" << image << "\", ";
      keys.push_back(id + "::" + image);
    } else {
      keys.push_back(id);
    }
    out << "\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}";
  }
  out << "\n]\n";
  return keys;
}

// Writes a store with one svd checkpoint per entry of `svd` (rows × k,
// row-major); text-only rows are those at index >= images.
inline void WriteStore(const std::string& dir, const std::vector<std::string>& keys, size_t images,
                       const std::vector<std::vector<float>>& svd, int k) {
  std::vector<uint8_t> valid(keys.size(), 0);
  for (size_t i = 0; i < images; ++i) valid[i] = 1;
  auto w = xmas::store::StoreWriter::Create(dir, keys, valid);
  ASSERT_TRUE(w.ok()) << w.status().message();
  for (size_t s = 0; s < svd.size(); ++s) {
    ASSERT_TRUE(w->AddCheckpoint("svd", static_cast<int64_t>(200 * (s + 1)), svd[s].data(), k).ok());
  }
  w->SetTopK(k);
  ASSERT_TRUE(w->Finish().ok());
}

}  // namespace xmas::select::testing
