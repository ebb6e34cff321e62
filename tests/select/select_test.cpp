// `xmas select` end to end in default mode, from a store and from the
// authors' files: exact budgets, text-only cluster, determinism, report.
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <random>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "xmas/data/dataset.h"
#include "xmas/select/select.h"
#include "xmas/util/atomic_file.h"

namespace xmas::select {
namespace {
using nlohmann::json;
using testing::TempDir;

constexpr size_t kImages = 300, kTexts = 30, kSteps = 4, kK = 3;

// Three trajectory shapes (rising, flat, falling) with noise; row i's
// stability is known to grow with (i % 100).
std::vector<std::vector<float>> Trajectories() {
  std::vector<std::vector<float>> svd(kSteps, std::vector<float>((kImages + kTexts) * kK, 0.f));
  for (size_t i = 0; i < kImages; ++i) {
    const float slope = static_cast<float>(i / 100) - 1.f;  // -1, 0, 1
    const float jitter = 0.001f * static_cast<float>(i % 100);
    for (size_t s = 0; s < kSteps; ++s) {
      const float base = 10.f + slope * static_cast<float>(s) * 3.f + (s % 2 ? jitter : -jitter);
      for (size_t j = 0; j < kK; ++j) svd[s][i * kK + j] = base / static_cast<float>(j + 1);
    }
  }
  return svd;
}

class SelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = testing::WriteDataset(d_ / "data.json", kImages, kTexts);
    testing::WriteStore(d_ / "store", keys_, kImages, Trajectories(), kK);
  }
  SelectOptions Options(const std::string& budget, const std::string& out) {
    SelectOptions o;
    o.trajectories = d_ / "store";
    o.data = d_ / "data.json";
    o.output = d_ / out;
    o.budget = *Budget::Parse(budget);
    o.clusters = 3;
    return o;
  }
  json Read(const std::string& name) { return json::parse(*ReadFile(d_ / name)); }
  TempDir d_;
  std::vector<std::string> keys_;
};

TEST_F(SelectTest, ExactBudgetBalancedAndTextOnlyAsOwnCluster) {
  for (const char* budget : {"10%", "33", "90%", "100%"}) {
    SelectOptions o = Options(budget, "sub.json");
    ASSERT_TRUE(RunSelect(o).ok()) << budget;
    const json sub = Read("sub.json");
    const json rep = Read("sub.report.json");
    EXPECT_EQ(sub.size(), o.budget.Resolve(kImages + kTexts)) << budget;
    EXPECT_EQ(rep["budget"]["chosen"], sub.size());
    // Dataset order by default.
    for (size_t i = 1; i < sub.size(); ++i) {
      EXPECT_LT(std::stoi(sub[i - 1]["id"].get<std::string>().substr(1)),
                std::stoi(sub[i]["id"].get<std::string>().substr(1)));
    }
    for (const auto& v : rep["clusters_visited"]) EXPECT_LE(v["taken"], v["quota"]);
    // Text-only records share the cluster after the k-means ones.
    const auto& cluster = rep["cluster_of_example"];
    for (size_t i = kImages; i < kImages + kTexts; ++i) EXPECT_EQ(cluster[i], 3);
    std::set<int> image_clusters;
    for (size_t i = 0; i < kImages; ++i) image_clusters.insert(cluster[i].get<int>());
    EXPECT_EQ(image_clusters.size(), 3u);
  }
  const json rep = Read("sub.report.json");
  EXPECT_EQ(rep["composition_by_source"]["text-only"]["full"], kTexts);
  EXPECT_TRUE(rep.contains("timings_seconds"));
}

TEST_F(SelectTest, MostStableFirstAndDeterministic) {
  SelectOptions o = Options("30", "a.json");
  // The paper's order on the authors' raw values (the default became
  // stratified on shape-normalised trajectories in issue 17).
  o.within = Within::kStability;
  o.normalize = Normalize::kNone;
  o.dedup = Dedup::kNone;
  ASSERT_TRUE(RunSelect(o).ok());
  const json rep = Read("a.report.json");
  // Inside every image cluster, the chosen examples are its most stable.
  const auto svd = Trajectories();
  auto tv = [&](size_t i) {
    double s = 0;
    for (size_t t = 0; t + 1 < kSteps; ++t) {
      double a = 0, b = 0;
      for (size_t j = 0; j < kK; ++j) a += svd[t][i * kK + j], b += svd[t + 1][i * kK + j];
      s += std::fabs(b - a);
    }
    return s;
  };
  std::set<size_t> chosen(rep["chosen_indices"].begin(), rep["chosen_indices"].end());
  EXPECT_EQ(chosen.size(), 30u);
  std::map<int, std::pair<double, double>> range;  // cluster -> (max chosen TV, min other TV)
  for (size_t i = 0; i < kImages; ++i) {
    auto& r = range.try_emplace(rep["cluster_of_example"][i].get<int>(), -1e9, 1e9).first->second;
    if (chosen.count(i)) r.first = std::max(r.first, tv(i));
    else r.second = std::min(r.second, tv(i));
  }
  for (const auto& [c, r] : range) EXPECT_LE(r.first, r.second + 1e-4) << "cluster " << c;
  o.output = d_ / "b.json";
  ASSERT_TRUE(RunSelect(o).ok());
  EXPECT_EQ(*ReadFile(d_ / "a.json"), *ReadFile(d_ / "b.json"));
  o.within = Within::kRandom;
  o.output = d_ / "c.json";
  ASSERT_TRUE(RunSelect(o).ok());
  EXPECT_NE(*ReadFile(d_ / "a.json"), *ReadFile(d_ / "c.json"));
}

TEST_F(SelectTest, RecordsAreWrittenByteForByte) {
  SelectOptions o = Options("100%", "all.json");
  ASSERT_TRUE(RunSelect(o).ok());
  auto full = data::Dataset::Load(d_ / "data.json");
  auto sub = data::Dataset::Load(d_ / "all.json");
  ASSERT_TRUE(full.ok() && sub.ok());
  ASSERT_EQ(sub->size(), full->size());
  for (size_t i = 0; i < full->size(); ++i) EXPECT_EQ((*sub)[i].raw, (*full)[i].raw);
}

TEST_F(SelectTest, AuthorsFilesGiveTheSameSelectionAsTheStore) {
  // Write the same trajectories in the authors' layout (text-only rows too).
  const auto svd = Trajectories();
  std::filesystem::create_directories(d_ / "official");
  for (size_t s = 0; s < kSteps; ++s) {
    json j = json::object();
    for (size_t i = 0; i < keys_.size(); ++i) {
      j[keys_[i]] = std::vector<float>(&svd[s][i * kK], &svd[s][i * kK] + kK);
    }
    std::ofstream(d_ / ("official/checkpoint-" + std::to_string(200 * (s + 1)) +
                        "_attn_svd_partial_vals_top3.json")) << j.dump();
  }
  SelectOptions o = Options("20%", "from_store.json");
  ASSERT_TRUE(RunSelect(o).ok());
  o.trajectories = d_ / "official";
  o.output = d_ / "from_json.json";
  ASSERT_TRUE(RunSelect(o).ok());
  EXPECT_EQ(*ReadFile(d_ / "from_store.json"), *ReadFile(d_ / "from_json.json"));
}

TEST_F(SelectTest, ClearErrors) {
  SelectOptions o = Options("1000", "x.json");
  auto st = RunSelect(o);
  EXPECT_EQ(st.code(), Status::Code::kUsage) << st.message();
  o = Options("10%", "x.json");
  std::filesystem::create_directories(d_ / "empty");
  o.trajectories = d_ / "empty";
  st = RunSelect(o);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("neither a feature store"), std::string::npos) << st.message();
  // Outputs inside the trajectories folder (over its manifest, or beside it).
  for (const char* inside : {"store/manifest.json", "store/subset.json"}) {
    o = Options("10%", inside);
    st = RunSelect(o);
    EXPECT_EQ(st.code(), Status::Code::kUsage) << inside;
    EXPECT_NE(st.message().find("inside the input folder"), std::string::npos) << st.message();
  }
  EXPECT_TRUE(std::filesystem::exists(d_ / "store/manifest.json"));
  EXPECT_FALSE(std::filesystem::exists(d_ / "store/subset.json"));
  o = Options("10%", "data.json");  // output over the input
  EXPECT_FALSE(RunSelect(o).ok());
  // A dataset record without a trajectory.
  testing::WriteDataset(d_ / "bigger.json", kImages + 1, 0);
  o = Options("10%", "x.json");
  o.data = d_ / "bigger.json";
  st = RunSelect(o);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("r300"), std::string::npos) << st.message();
  // A trajectory row for a record the dataset lacks.
  testing::WriteDataset(d_ / "smaller.json", kImages - 1, 0);
  o.data = d_ / "smaller.json";
  st = RunSelect(o);
  EXPECT_NE(st.message().find("extra key"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace xmas::select
