// The feature store: round trip and refusal of malformed stores.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "../select/test_util.h"
#include "xmas/store/store.h"

namespace xmas::store {
namespace {
using select::testing::TempDir;

TEST(Store, RoundTrip) {
  TempDir d;
  const std::string dir = d / "store";
  auto w = StoreWriter::Create(dir, {"a::x.jpg", "b", "c::y.jpg"}, {1, 0, 1});
  ASSERT_TRUE(w.ok()) << w.status().message();
  const std::vector<float> svd = {3, 2, 0, 0, 5, 1};
  const std::vector<float> loss = {0.5f, 1.5f, 2.5f};
  ASSERT_TRUE(w->AddCheckpoint(feature::kSvd, 400, svd.data(), 2).ok());
  ASSERT_TRUE(w->AddCheckpoint(feature::kSvd, 200, svd.data(), 2).ok());
  ASSERT_TRUE(w->AddCheckpoint(feature::kLoss, 200, loss.data(), -1).ok());
  ASSERT_TRUE(w->AddStatic(feature::kEmbed, svd.data(), 2).ok());
  w->SetSetting("mode", "attention");
  w->SetTopK(2);
  EXPECT_FALSE(Store::IsStore(dir));  // no manifest yet
  ASSERT_TRUE(w->Finish().ok());

  auto s = Store::Open(dir);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->size(), 3u);
  EXPECT_EQ(s->id(1), "b");
  EXPECT_EQ(s->valid(), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(s->top_k(), 2);
  EXPECT_EQ(s->settings()["mode"], "attention");
  EXPECT_EQ(*s->Steps(feature::kSvd), (std::vector<int64_t>{200, 400}));
  auto m = s->ReadCheckpoint(feature::kSvd, 400);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->cols, 2u);
  EXPECT_EQ(m->values, svd);
  EXPECT_EQ(s->ReadCheckpoint(feature::kLoss, 200)->values, loss);
  EXPECT_EQ(s->ReadStatic(feature::kEmbed)->cols, 2u);
  auto missing = s->ReadStatic("el2n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no feature 'el2n'"), std::string::npos);
  EXPECT_FALSE(s->ReadCheckpoint(feature::kSvd, 600).ok());
}

TEST(Store, WriterRefusesBadInput) {
  TempDir d;
  EXPECT_FALSE(StoreWriter::Create(d / "s1", {"a", "a"}, {1, 1}).ok());      // duplicate id
  EXPECT_FALSE(StoreWriter::Create(d / "s2", {"a\nb"}, {1}).ok());          // line break
  EXPECT_FALSE(StoreWriter::Create(d / "s3", {"a", "b"}, {1}).ok());        // mask size
  auto w = StoreWriter::Create(d / "s4", {"a", "b"}, {1, 1});
  ASSERT_TRUE(w.ok());
  const std::vector<float> bad = {1.f, NAN};
  auto st = w->AddCheckpoint("loss", 200, bad.data(), -1);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("row 1 (id 'b')"), std::string::npos) << st.message();
  const std::vector<float> ok = {1.f, 2.f};
  EXPECT_TRUE(w->AddCheckpoint("loss", 200, ok.data(), -1).ok());
  EXPECT_FALSE(w->AddCheckpoint("loss", 200, ok.data(), -1).ok());  // step twice
  EXPECT_FALSE(w->AddCheckpoint("loss", 400, ok.data(), 2).ok());   // shape changes
  EXPECT_FALSE(w->AddStatic("../evil", ok.data(), -1).ok());        // bad name
}

TEST(Store, ReaderRefusesInconsistentFiles) {
  TempDir d;
  const std::string dir = d / "s";
  auto w = StoreWriter::Create(dir, {"a", "b"}, {1, 1});
  const std::vector<float> v = {1.f, 2.f};
  ASSERT_TRUE(w->AddStatic("el2n", v.data(), -1).ok());
  ASSERT_TRUE(w->Finish().ok());
  std::ofstream(dir + "/ids.txt") << "a\nb\nc\n";
  auto s = Store::Open(dir);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("ids.txt"), std::string::npos);
  std::ofstream(dir + "/ids.txt") << "a\nb\n";
  std::ofstream(dir + "/manifest.json") << R"({"format": "xmas-trajectory-store", "version": 1, "num_examples": 2,
    "features": {"el2n": {"per_checkpoint": false, "shape": [2], "file": "../../etc/passwd"}}})";
  EXPECT_FALSE(Store::Open(dir).ok());
}

}  // namespace
}  // namespace xmas::store
