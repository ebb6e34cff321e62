// Replays every input the fuzzers once crashed on (tests/fixtures/fuzz-regressions/
// <target>/) through the same reader: each must now give a clean result.
#include <gtest/gtest.h>

#include <filesystem>

#include "xmas/util/atomic_file.h"
#include "xmas/util/npy.h"

namespace fs = std::filesystem;

TEST(FuzzRegressions, NpyInputsDecodeCleanly) {
  const fs::path dir = fs::path(XMAS_TEST_DATA_DIR) / "fuzz-regressions" / "npy";
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto bytes = xmas::ReadFile(entry.path().string());
    ASSERT_TRUE(bytes.ok());
    auto array = xmas::DecodeNpy(bytes.value(), entry.path().filename().string());
    if (array.ok()) {
      EXPECT_EQ(array->data.size(),
                static_cast<size_t>(array->rows() * array->cols()) * xmas::NpyTypeSize(array->type));
    }
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}
