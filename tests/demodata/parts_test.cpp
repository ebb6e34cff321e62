#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <set>

#include "xmas/demodata/canvas.h"
#include "xmas/demodata/fashion_mnist.h"
#include "xmas/demodata/mixture.h"
#include "xmas/demodata/ocr_source.h"
#include "xmas/demodata/record.h"
#include "xmas/demodata/scene.h"

namespace xmas::demodata {
namespace {

void WriteGz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A tiny Fashion-MNIST directory with `n` images per split.
std::string MakeFashionDir(int n, uint32_t image_magic = 0x803) {
  std::string dir = ::testing::TempDir() + "/xmas_fake_fmnist";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* split : {"train", "t10k"}) {
    std::string images = Be32(image_magic) + Be32(n) + Be32(28) + Be32(28) + std::string(n * 784, '\x7f');
    std::string labels = Be32(0x801) + Be32(n);
    for (int i = 0; i < n; ++i) labels += static_cast<char>(i % 10);
    WriteGz(dir + "/" + split + "-images-idx3-ubyte.gz", images);
    WriteGz(dir + "/" + split + "-labels-idx1-ubyte.gz", labels);
  }
  return dir;
}

TEST(FashionMnist, ReadsIdxGzip) {
  auto data = LoadFashionMnist(MakeFashionDir(12));
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->train.size(), 12u);
  EXPECT_EQ(data->test.labels[11], 1);
  EXPECT_EQ(data->train.image(3)[100], 0x7f);
  EXPECT_EQ(FashionClassName(9), "ankle boot");
  EXPECT_EQ(FashionGroupOf(7), FashionGroup::kFootwear);
}

TEST(FashionMnist, BadMagicNamesFileAndField) {
  auto data = LoadFashionMnist(MakeFashionDir(3, 0x999));
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("train-images-idx3-ubyte.gz"), std::string::npos);
  EXPECT_NE(data.status().message().find("'magic'"), std::string::npos);
}

TEST(Canvas, PngIsDeterministicAndDrawsShapes) {
  Canvas a(32, 32, {0, 0, 0});
  a.FillCircle(16, 16, 6, {255, 0, 0});
  EXPECT_EQ(a.At(16, 16).r, 255);
  EXPECT_EQ(a.At(1, 1).r, 0);
  auto png = a.EncodePng();
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png->substr(1, 3), "PNG");
  EXPECT_EQ(*png, a.EncodePng().value());
}

TEST(Scene, FactsAreConsistent) {
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    Scene s = Scene::Random(&rng);
    ASSERT_GE(s.shapes.size(), 1u);
    ASSERT_LE(s.shapes.size(), 4u);
    int total = 0;
    for (int k = 0; k < kShapeKinds; ++k) total += s.Count(static_cast<ShapeKind>(k));
    EXPECT_EQ(total, static_cast<int>(s.shapes.size()));
    for (const Shape& a : s.shapes) {
      EXPECT_GE(a.x, 1);
      EXPECT_LE(a.x + a.size, kSceneSide - 1);
      for (const Shape& b : s.shapes) {
        if (&a == &b) continue;
        EXPECT_FALSE(a.kind == b.kind && a.color == b.color);  // "the red circle" is unique
        EXPECT_EQ(Holds(a, b, Relation::kLeftOf), Holds(b, a, Relation::kRightOf));
        if (Decidable(a, b, Relation::kLeftOf)) {
          EXPECT_NE(Holds(a, b, Relation::kLeftOf), Holds(a, b, Relation::kRightOf));
        }
      }
    }
  }
}

TEST(Mixture, FractionsAddUpAndCountsAreExact) {
  double sum = 0;
  int total = 0;
  for (const auto& s : TrainMixture()) {
    sum += s.fraction;
    total += RecordsFor(s.source, 1234);
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(total, 1234);
}

TEST(Redundancy, CountsAndIds) {
  Rng rng(1);
  Redundancy r{0.1, 0.2, 0.0};
  auto make = [](int k) {
    DemoRecord rec;
    rec.id = "r" + std::to_string(k);
    rec.turns.push_back({"q", "a", "b"});
    return rec;
  };
  auto paraphrase = [](int k) {
    DemoRecord rec;
    rec.turns.push_back({"q2 " + std::to_string(k), "a", "b"});
    return rec;
  };
  auto out = BuildWithRedundancy(100, r, &rng, make, paraphrase);
  ASSERT_EQ(out.size(), 100u);
  int exact = 0, near = 0;
  for (const auto& rec : out) {
    exact += rec.exact_duplicate;
    near += rec.near_duplicate;
    if (rec.near_duplicate) EXPECT_NE(rec.id.find("-p"), std::string::npos);
    EXPECT_FALSE(rec.noisy);
  }
  EXPECT_EQ(exact, 10);
  EXPECT_EQ(near, 20);
  Redundancy all_noise{0, 0, 1.0};
  for (const auto& rec : BuildWithRedundancy(10, all_noise, &rng, make, paraphrase)) {
    EXPECT_TRUE(rec.noisy);
    EXPECT_EQ(rec.turns[0].answer, "b");
  }
}

TEST(Ocr, HeldOutWordsNeverTrain) {
  std::set<std::string> train(OcrSource::TrainWords().begin(), OcrSource::TrainWords().end());
  for (const auto& w : OcrSource::HeldOutWords()) EXPECT_FALSE(train.count(w)) << w;
}

}  // namespace
}  // namespace xmas::demodata
