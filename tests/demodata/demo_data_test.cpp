#include "xmas/demodata/demo_data.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "xmas/data/dataset.h"
#include "xmas/demodata/mixture.h"
#include "xmas/util/atomic_file.h"

namespace xmas::demodata {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A quarter of `small` keeps the suite fast; proportions are the same.
constexpr double kScale = 0.25;
DemoSizes TestSizes() { return SizesFor(DemoSize::kSmall, kScale); }

// Per process: CTest runs each test in a process of its own, two at a time,
// and each runs the suite's SetUpTestSuite (two once wrote one folder).
std::string TempDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/xmas_demodata_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  return dir;
}

json ReadJson(const std::string& path) {
  auto bytes = ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return json::parse(bytes.ok() ? *bytes : "null");
}

// Relative path -> bytes of every file under `dir`.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = ReadFile(e.path().string()).value();
  }
  return files;
}

class DemoData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("small");
    DemoDataOptions o;
    o.out_dir = dir_;
    o.seed = 7;
    o.scale_counts = kScale;
    Status st = GenerateDemoData(o, &summary_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    train_ = ReadJson(dir_ + "/train.json");
    manifest_ = ReadJson(dir_ + "/manifest.json");
  }
  static std::string dir_;
  static DemoDataSummary summary_;
  static json train_, manifest_;
};
std::string DemoData::dir_;
DemoDataSummary DemoData::summary_;
json DemoData::train_, DemoData::manifest_;

TEST_F(DemoData, SameSeedGivesByteIdenticalFiles) {
  const std::string again = TempDir("again");
  DemoDataOptions o;
  o.out_dir = again;
  o.seed = 7;
  o.scale_counts = kScale;
  ASSERT_TRUE(GenerateDemoData(o).ok());
  auto a = Snapshot(dir_), b = Snapshot(again);
  EXPECT_GT(a.size(), 500u);
  EXPECT_EQ(a.size(), b.size());
  for (const auto& [path, bytes] : a) {
    ASSERT_TRUE(b.count(path)) << path;
    EXPECT_TRUE(bytes == b[path]) << path << " differs";
  }
  fs::remove_all(again);
}

// FNV-1a over the bytes of the text files (train, pretrain, benchmarks; not
// the PNGs or the manifest, whose image byte count depends on the encoder).
uint64_t TextFilesHash(const std::string& dir) {
  uint64_t h = 0xcbf29ce484222325ull;
  std::vector<std::string> files = {"train.json", "pretrain.json"};
  std::vector<std::string> bench;
  for (const auto& e : fs::directory_iterator(dir + "/bench")) bench.push_back("bench/" + e.path().filename().string());
  std::sort(bench.begin(), bench.end());
  files.insert(files.end(), bench.begin(), bench.end());
  for (const auto& f : files) {
    const std::string bytes = ReadFile(dir + "/" + f).value();
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  }
  return h;
}

TEST(DemoDataGolden, SmallIsByteForByteWhatItWas) {
  // `xmas demo-data --seed 0` (small) as built at f725678, before the stress
  // profile: experiment caches and docs/results.md depend on these bytes.
  // If a change to small/bench is intended, update the value and say so.
  const std::string dir = TempDir("golden");
  DemoDataOptions o;
  o.out_dir = dir;
  ASSERT_TRUE(GenerateDemoData(o).ok());
  EXPECT_EQ(TextFilesHash(dir), 0xc9e9ea8917cb20a1ull);
  fs::remove_all(dir);
}

TEST(DemoDataSizes, SmallAndBench) {
  const DemoSizes small = SizesFor(DemoSize::kSmall), bench = SizesFor(DemoSize::kBench);
  EXPECT_EQ(small.train, 3000);
  EXPECT_EQ(small.per_benchmark, 100);
  const int bench_total = bench.train + bench.pretrain + bench.per_benchmark * static_cast<int>(Benchmarks().size());
  EXPECT_GE(bench.train, 30000);
  EXPECT_LE(bench_total, 60000);
}

TEST_F(DemoData, SizesAndMixtureProportions) {
  const DemoSizes sizes = TestSizes();
  ASSERT_EQ(train_.size(), static_cast<size_t>(sizes.train));
  EXPECT_EQ(summary_.pretrain_records, static_cast<size_t>(sizes.pretrain));
  EXPECT_EQ(summary_.benchmarks, Benchmarks().size());
  std::map<std::string, int> by_prefix;
  int text_only = 0;
  for (const auto& r : train_) {
    const std::string id = r["id"];
    by_prefix[id.substr(0, id.find('-'))]++;
    text_only += !r.contains("image");
  }
  EXPECT_EQ(by_prefix["fmnist"], RecordsFor("fmnist", sizes.train));
  EXPECT_EQ(by_prefix["scenes"], RecordsFor("scenes", sizes.train));
  EXPECT_EQ(by_prefix["ocr"], RecordsFor("ocr", sizes.train));
  EXPECT_EQ(by_prefix["detail"], RecordsFor("scene-detail", sizes.train));
  EXPECT_EQ(text_only, RecordsFor("text", sizes.train));
  EXPECT_NEAR(text_only / static_cast<double>(train_.size()), 0.06, 0.005);
  EXPECT_EQ(manifest_["train"]["text_only"], text_only);
  EXPECT_EQ(manifest_["train"]["sources"]["fmnist"]["records"], by_prefix["fmnist"]);
}

TEST_F(DemoData, RedundancyAndNoiseMatchTheRecipe) {
  std::map<std::string, int> id_count;
  std::map<std::string, std::set<std::string>> questions_per_image;
  for (const auto& r : train_) {
    id_count[r["id"]]++;
    if (r.contains("image")) questions_per_image[r["image"]].insert(r["conversations"][0]["value"].get<std::string>());
  }
  int repeated = 0;
  for (const auto& [id, n] : id_count) repeated += n - 1;
  int exact = 0;
  for (const char* s : {"fmnist", "scenes", "ocr"}) exact += manifest_["train"]["sources"][s]["exact_duplicates"].get<int>();
  EXPECT_EQ(repeated, exact);  // exact duplicates keep their id (unique_idx gets "#n")
  const double fmnist = RecordsFor("fmnist", TestSizes().train);
  EXPECT_NEAR(manifest_["train"]["sources"]["fmnist"]["exact_duplicates"].get<int>() / fmnist, 0.06, 0.01);
  EXPECT_NEAR(manifest_["train"]["sources"]["fmnist"]["near_duplicates"].get<int>() / fmnist, 0.12, 0.01);
  const double noisy = manifest_["train"]["sources"]["fmnist"]["noisy"].get<int>() / fmnist;
  EXPECT_GT(noisy, 0.015);
  EXPECT_LT(noisy, 0.08);
  int paraphrased_images = 0;  // near duplicates: one image, differently worded questions
  for (const auto& [image, qs] : questions_per_image) paraphrased_images += qs.size() > 1;
  EXPECT_GT(paraphrased_images, 25);
  EXPECT_FALSE(manifest_["noisy_train_ids"].empty());
}

TEST_F(DemoData, RecordsAreLlavaFormatAndImagesExist) {
  for (const auto& r : train_) {
    const auto& conv = r["conversations"];
    ASSERT_GE(conv.size(), 2u);
    ASSERT_EQ(conv.size() % 2, 0u);
    const std::string first = conv[0]["value"];
    EXPECT_EQ(first.rfind("<image>\n", 0) == 0, r.contains("image")) << r.dump();
    if (r.contains("image")) EXPECT_TRUE(fs::exists(dir_ + "/images/" + r["image"].get<std::string>()));
  }
  auto ds = data::Dataset::Load(dir_ + "/train.json");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->size(), train_.size());
  auto pretrain = data::Dataset::Load(dir_ + "/pretrain.json");
  ASSERT_TRUE(pretrain.ok()) << pretrain.status().ToString();
}

TEST_F(DemoData, BenchmarksAreHeldOutAndLabelled) {
  std::set<std::string> train_images;
  for (const char* f : {"/train.json", "/pretrain.json"}) {
    for (const auto& r : ReadJson(dir_ + f)) {
      if (r.contains("image")) train_images.insert(r["image"]);
    }
  }
  for (const auto& [name, metric] : Benchmarks()) {
    const json bench = ReadJson(dir_ + "/bench/" + name + ".json");
    ASSERT_EQ(bench.size(), static_cast<size_t>(TestSizes().per_benchmark)) << name;
    int yes = 0;
    for (const auto& r : bench) {
      EXPECT_EQ(r["metric"], metric);
      EXPECT_EQ(r["benchmark"], name);
      EXPECT_EQ(r["answer"], r["conversations"].back()["value"]);
      if (r.contains("image")) EXPECT_FALSE(train_images.count(r["image"])) << r["image"];
      if (std::string(metric) == "multiple_choice") EXPECT_EQ(r["choices"].size(), 4u);
      yes += r["answer"] == "Yes";
    }
    if (std::string(metric) == "yes_no") EXPECT_NEAR(yes / static_cast<double>(bench.size()), 0.5, 0.25) << name;
    EXPECT_EQ(manifest_["bench"][name]["records"], bench.size());
  }
}

TEST(DemoDataErrors, MissingFashionMnistNamesThePackage) {
  const std::string empty = TempDir("empty_fmnist");
  fs::create_directories(empty);
  DemoDataOptions o;
  o.out_dir = TempDir("no_fmnist_out");
  o.fashion_mnist_dir = empty;
  Status st = GenerateDemoData(o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("dataset-fashion-mnist"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(empty), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(o.out_dir));
  o.fashion_mnist_dir = empty + "/nowhere";
  st = GenerateDemoData(o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("dataset-fashion-mnist"), std::string::npos) << st.message();
}

TEST(DemoDataErrors, NeverReplacesAForeignDirectory) {
  const std::string dir = TempDir("foreign");
  fs::create_directories(dir);
  ASSERT_TRUE(WriteFileAtomic(dir + "/precious.txt", "keep me").ok());
  DemoDataOptions o;
  o.out_dir = dir;
  EXPECT_EQ(GenerateDemoData(o).code(), Status::Code::kUsage);
  o.overwrite = true;
  EXPECT_EQ(GenerateDemoData(o).code(), Status::Code::kUsage);
  EXPECT_TRUE(fs::exists(dir + "/precious.txt"));
  o.image_size = 48;
  EXPECT_EQ(GenerateDemoData(o).code(), Status::Code::kUsage);
  o.image_size = 32;
  o.scale_counts = 0;
  EXPECT_EQ(GenerateDemoData(o).code(), Status::Code::kUsage);
  EXPECT_FALSE(ParseDemoSize("huge").ok());
}

}  // namespace
}  // namespace xmas::demodata
