// Replays every input a fuzzer once failed on (tests/fixtures/fuzz-regressions/
// <target>/) and every seed (fuzz/corpus/<target>/) through the very harness
// the fuzzer ran (fuzz/<target>_fuzz.cpp, built here with XMAS_FUZZ_REPLAY):
// each must give a clean result now. A harness aborts when a reader breaks
// its contract, so each input runs in a child process (a death test) and a
// failure names the file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "fuzz_target.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace fs = std::filesystem;

namespace {

// Every file under root/<target>/ for the targets linked in; the number replayed.
int ReplayAll(const fs::path& root) {
  int replayed = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    const std::string target = dir.path().filename().string();
    auto it = xmas::fuzz::Harnesses().find(target);
    EXPECT_NE(it, xmas::fuzz::Harnesses().end()) << "no harness for " << dir.path();
    if (it == xmas::fuzz::Harnesses().end()) continue;
    for (const auto& file : fs::directory_iterator(dir.path())) {
      auto bytes = xmas::ReadFile(file.path().string());
      EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
      if (!bytes.ok()) continue;
      const auto* data = reinterpret_cast<const uint8_t*>(bytes->data());
      EXPECT_EXIT((it->second(data, bytes->size()), std::exit(0)), ::testing::ExitedWithCode(0), "")
          << file.path();
      ++replayed;
    }
  }
  return replayed;
}

TEST(FuzzReplay, EveryTargetHasAHarness) {
  for (const char* target : {"npy", "dataset", "safetensors", "store", "official", "image"}) {
    EXPECT_EQ(xmas::fuzz::Harnesses().count(target), 1u) << target;
  }
}

TEST(FuzzReplay, KeptFindingsGiveCleanResults) {
  xmas::log::SetLevel(xmas::log::Level::kOff);
  EXPECT_GE(ReplayAll(fs::path(XMAS_TEST_DATA_DIR) / "fuzz-regressions"), 6);
}

TEST(FuzzReplay, SeedsGiveCleanResults) {
  xmas::log::SetLevel(xmas::log::Level::kOff);
  EXPECT_GE(ReplayAll(fs::path(XMAS_TEST_DATA_DIR) / ".." / ".." / "fuzz" / "corpus"), 6);
}

}  // namespace
