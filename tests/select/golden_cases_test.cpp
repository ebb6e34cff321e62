// Parity with the authors' scripts on the generated golden cases
// (tests/fixtures/official-golden-<name>/case.json, made by
// tests/select/official_parity.py make-golden): per case and per thread
// count, --compat official --threads T must write the authors' cluster file,
// stability file and subsets byte for byte.
#include <dlfcn.h>

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
using testing::Gunzip;
using testing::TempDir;

const char* kClusters = "attn_svd_cluster_idxs.json";
const char* kStability = "attn_svd_stability_vals_top-5_singular_vals.json";

std::string Golden(const std::string& name) {
  return std::string(XMAS_TEST_DATA_DIR) + "/official-golden-" + name;
}

// The first line where two files differ ("" if identical), for a readable failure.
std::string FirstDifference(const std::string& ours, const std::string& theirs) {
  std::ifstream a(ours), b(theirs);
  std::string la, lb;
  for (size_t line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(a, la)), gb = static_cast<bool>(std::getline(b, lb));
    if (!ga && !gb) return *ReadFile(ours) == *ReadFile(theirs) ? "" : "same lines, different bytes";
    if (ga != gb || la != lb) return "line " + std::to_string(line) + ": ours '" + la + "' theirs '" + lb + "'";
  }
}

class GoldenCase : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string golden = Golden(GetParam());
    std::ifstream in(golden + "/case.json");
    ASSERT_TRUE(in) << golden;
    case_ = nlohmann::json::parse(in);
    // FAISS's sums depend on OpenBLAS's kernels: compare only like with like.
    using CoreName = char* (*)();
    const auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const std::string core = core_name ? core_name() : "not OpenBLAS";
    ASSERT_EQ(core, case_["openblas_core"].get<std::string>())
        << "the goldens were made with these OpenBLAS kernels: run with OPENBLAS_CORETYPE=" << case_["openblas_core"];
    fs::create_directories(dir_ / "attn");
    Gunzip(golden + "/data.json.gz", dir_ / "data.json");
    for (const auto& e : fs::directory_iterator(golden + "/attn_svd_files")) {
      Gunzip(e.path().string(), dir_ / ("attn/" + e.path().stem().string()));
    }
    Gunzip(golden + "/" + kStability + ".gz", dir_ / kStability);
  }

  nlohmann::json case_;
  TempDir dir_;
};

TEST_P(GoldenCase, ClustersStabilityAndSubsetsMatchAtEveryThreadCount) {
  const std::string golden = Golden(GetParam());
  ASSERT_FALSE(case_["threads"].empty());
  for (int threads : case_["threads"]) {
    const std::string t = "threads-" + std::to_string(threads);
    Gunzip(golden + "/" + t + "/" + kClusters + ".gz", dir_ / (t + "-clusters.json"));
    for (int budget : case_["budgets"]) {
      SCOPED_TRACE(t + ", " + std::to_string(budget) + "%");
      const std::string b = std::to_string(budget);
      SelectOptions o;
      o.trajectories = dir_ / "attn";
      o.data = dir_ / "data.json";
      o.output = dir_ / (t + "-ours-" + b + ".json");
      o.budget = *Budget::Parse(b + "%");
      o.compat = Compat::kOfficial;
      o.official_format = true;
      o.threads = threads;
      o.seed = case_["random_seed"];
      o.write_official_dir = dir_ / (t + "-official-" + b);
      const Status st = RunSelect(o);
      ASSERT_TRUE(st.ok()) << st.message();
      EXPECT_EQ(FirstDifference(o.write_official_dir + "/" + kClusters, dir_ / (t + "-clusters.json")), "");
      EXPECT_EQ(FirstDifference(o.write_official_dir + "/" + kStability, dir_ / kStability), "");
      Gunzip(golden + "/" + t + "/subset_" + b + ".json.gz", dir_ / (t + "-theirs-" + b + ".json"));
      EXPECT_EQ(FirstDifference(o.output, dir_ / (t + "-theirs-" + b + ".json")), "");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Authors, GoldenCase,
                         ::testing::Values("3k-5ckpt-tight", "6k-8ckpt-broad-text5", "4k-10ckpt-ties-text10",
                                           "5k-7ckpt-uniform-text2"));

}  // namespace
}  // namespace xmas::select
