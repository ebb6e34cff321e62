// Parity with the authors' scripts on the 12k golden case
// (tests/fixtures/official-golden-12k/README.md): identical clusters, stability
// values and subsets in --compat official.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "xmas/select/select.h"
#include "xmas/util/atomic_file.h"

namespace xmas::select {
namespace {
namespace fs = std::filesystem;
using nlohmann::ordered_json;
using testing::Gunzip;
using testing::TempDir;

const std::string kGolden = std::string(XMAS_TEST_DATA_DIR) + "/official-golden-12k";

class GoldenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    fs::create_directories(*dir_ / "attn");
    Gunzip(kGolden + "/data.json.gz", *dir_ / "data.json");
    for (const auto& e : fs::directory_iterator(kGolden + "/attn_svd_files")) {
      const std::string name = e.path().stem().string();  // drops .gz
      Gunzip(e.path().string(), *dir_ / ("attn/" + name));
    }
    for (const char* name : {"attn_svd_cluster_idxs.json", "attn_svd_stability_vals_top-5_singular_vals.json",
                             "subset_20.json", "subset_50.json"}) {
      Gunzip(kGolden + "/official_out/" + name + ".gz", *dir_ / name);
    }
  }
  static void TearDownTestSuite() { delete dir_; }

  static ordered_json Json(const std::string& path) {
    auto text = ReadFile(path);
    EXPECT_TRUE(text.ok()) << path;
    return ordered_json::parse(*text);
  }
  static SelectOptions Options(const std::string& budget, const std::string& out) {
    SelectOptions o;
    o.trajectories = *dir_ / "attn";
    o.data = *dir_ / "data.json";
    o.output = out;
    o.budget = *Budget::Parse(budget);
    o.compat = Compat::kOfficial;
    o.write_official_dir = *dir_ / ("official-" + budget.substr(0, 2));
    return o;
  }
  // Same records in the same order, and the same bytes as json.dump wrote.
  static void ExpectSameSubset(const std::string& ours_path, const std::string& theirs_path) {
    const ordered_json theirs = Json(theirs_path);
    const ordered_json ours = Json(ours_path);
    ASSERT_EQ(ours.size(), theirs.size());
    size_t first_diff = ours.size();
    for (size_t i = 0; i < ours.size() && first_diff == ours.size(); ++i) {
      if (ours[i] != theirs[i]) first_diff = i;
    }
    EXPECT_EQ(first_diff, ours.size()) << "first differing record";
    EXPECT_TRUE(*ReadFile(ours_path) == *ReadFile(theirs_path)) << "bytes differ";
  }
  static TempDir* dir_;
};
TempDir* GoldenTest::dir_ = nullptr;

// One full run per budget (each clusters 12k points 100 times, ~10 s CPU).
TEST_F(GoldenTest, TwentyPercentMatchesClustersStabilityAndSubset) {
  SelectOptions o = Options("20%", *dir_ / "ours_20.json");
  o.official_format = true;
  ASSERT_TRUE(RunSelect(o).ok());
  ExpectSameSubset(o.output, *dir_ / "subset_20.json");
  const ordered_json theirs_c = Json(*dir_ / "attn_svd_cluster_idxs.json");
  const ordered_json ours_c = Json(o.write_official_dir + "/attn_svd_cluster_idxs.json");
  ASSERT_EQ(theirs_c.size(), 12000u);
  EXPECT_TRUE(ours_c == theirs_c);  // same keys, same order, same clusters
  const ordered_json theirs_s = Json(*dir_ / "attn_svd_stability_vals_top-5_singular_vals.json");
  const ordered_json ours_s = Json(o.write_official_dir + "/attn_svd_stability_vals_top-5_singular_vals.json");
  ASSERT_EQ(ours_s.size(), theirs_s.size());
  size_t differ = 0;
  for (auto it = theirs_s.begin(); it != theirs_s.end(); ++it) {
    if (ours_s.value(it.key(), -1.0) != it.value().get<double>()) ++differ;
  }
  EXPECT_EQ(differ, 0u);
  // The files are also byte-identical to what json.dump wrote.
  EXPECT_TRUE(*ReadFile(o.write_official_dir + "/attn_svd_cluster_idxs.json") ==
              *ReadFile(*dir_ / "attn_svd_cluster_idxs.json"));
  EXPECT_TRUE(*ReadFile(o.write_official_dir + "/attn_svd_stability_vals_top-5_singular_vals.json") ==
              *ReadFile(*dir_ / "attn_svd_stability_vals_top-5_singular_vals.json"));
}

TEST_F(GoldenTest, FiftyPercentSubsetMatches) {
  SelectOptions o = Options("50%", *dir_ / "ours_50.json");
  o.official_format = true;
  o.write_official_dir.clear();
  ASSERT_TRUE(RunSelect(o).ok());
  ExpectSameSubset(o.output, *dir_ / "subset_50.json");
}

}  // namespace
}  // namespace xmas::select
