// The feature store as `xmas select` reads it (trajectory_source.h).
#include <gtest/gtest.h>

#include "test_util.h"
#include "xmas/select/trajectory_source.h"
#include "xmas/store/store.h"
#include "xmas/util/npy.h"

namespace xmas::select {
namespace {
using testing::TempDir;

// A checkpoint whose rows are longer or shorter than the others' (mixed
// lengths across checkpoints) is refused by `xmas select`'s store reader,
// naming the file, whatever the top-k option.
TEST(StoreSource, CheckpointOfAnotherRowLengthIsAnError) {
  TempDir d;
  const std::string dir = d / "s";
  auto w = xmas::store::StoreWriter::Create(dir, {"a::x.jpg", "b::y.jpg"}, {1, 1});
  const std::vector<float> v = {3.f, 1.f, 4.f, 2.f};
  ASSERT_TRUE(w->AddCheckpoint("svd", 200, v.data(), 2).ok());
  ASSERT_TRUE(w->AddCheckpoint("svd", 400, v.data(), 2).ok());
  w->SetTopK(2);
  ASSERT_TRUE(w->Finish().ok());
  for (int64_t cols : {1, 4}) {
    const std::vector<float> other(2 * cols, 1.f);
    ASSERT_TRUE(WriteNpy(dir + "/svd/checkpoint-400.npy", other, 2, cols).ok());
    for (int top_k : {0, 1}) {
      TrajectorySourceOptions o;
      o.top_k = top_k;
      auto t = LoadTrajectories(dir, o);
      ASSERT_FALSE(t.ok()) << cols;
      EXPECT_NE(t.status().message().find("svd/checkpoint-400.npy: expected float32 [2, 2]"), std::string::npos)
          << t.status().message();
    }
  }
}


}  // namespace
}  // namespace xmas::select
