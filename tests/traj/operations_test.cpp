// Resume, shards + merge, the authors' export, and the CLI.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fake_run.h"
#include "xmas/traj/export_official.h"
#include "xmas/traj/extractor.h"
#include "xmas/traj/resume_state.h"
#include "xmas/traj/shard.h"
#include "xmas/store/store.h"

namespace xmas::traj {

// The feature store's names (xmas::store).
using store::Store;
namespace feature = store::feature;
namespace {

namespace fs = std::filesystem;
using testing::BaseOptions;
using testing::GetFakeRun;
using testing::Slurp;

ExtractSummary Extract(const ExtractOptions& o) {
  auto s = ExtractTrajectories(o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : ExtractSummary{};
}

// Every file of a store, relative path -> bytes.
std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = Slurp(e.path().string());
  }
  return out;
}

TEST(Resume, SkipsFinishedAndRecomputesHalfWritten) {
  ExtractOptions full = BaseOptions("resume_ref");
  full.checkpoints = "all";
  Extract(full);

  ExtractOptions o = BaseOptions("resume");
  o.checkpoints = "10";
  Extract(o);
  // Simulate a crash in checkpoint 20: a truncated feature file, not listed
  // as finished in progress.json.
  fs::create_directories(o.out + "/svd");
  std::ofstream(o.out + "/svd/checkpoint-20.npy") << "\x93NUMPY garbage";
  o.checkpoints = "all";
  ExtractSummary s = Extract(o);
  ASSERT_EQ(s.checkpoints.size(), 3u);
  EXPECT_TRUE(s.checkpoints[0].skipped);
  EXPECT_FALSE(s.checkpoints[1].skipped);
  EXPECT_FALSE(s.checkpoints[2].skipped);
  for (int64_t step : {10, 20, 30}) {
    const std::string f = "/svd/checkpoint-" + std::to_string(step) + ".npy";
    EXPECT_EQ(Slurp(o.out + f), Slurp(full.out + f)) << f;
  }
  auto state = ReadResumeState(o.out);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->finished, (std::set<int64_t>{10, 20, 30}));
  // Running again does nothing but skip.
  ExtractSummary again = Extract(o);
  for (const auto& c : again.checkpoints) EXPECT_TRUE(c.skipped);
  // Different settings in the same --out are refused.
  o.top_k = 3;
  EXPECT_EQ(ExtractTrajectories(o).status().code(), Status::Code::kUsage);
}

TEST(Shards, MergeEqualsSingleProcessFileForFile) {
  for (CrossModalMode mode : {CrossModalMode::kAttention, CrossModalMode::kOfficial}) {
    const std::string tag = CrossModalModeName(mode);
    ExtractOptions single = BaseOptions("single_" + tag);
    single.mode = mode;
    // Attention mode shards whole windows of 8 batches: at batch size 1 the 9
    // rows make windows of 8 + 1, so shard 0 is empty, 1 and 2 hold rows.
    single.batch_size = mode == CrossModalMode::kAttention ? 1 : 2;
    single.features = *ParseFeatureSet("svd,loss,embed");
    Extract(single);
    std::vector<std::string> dirs;
    for (int i : {2, 0, 1}) {  // order on the command line does not matter
      ExtractOptions s = single;
      s.out = single.out + "_shard" + std::to_string(i);
      fs::remove_all(s.out);
      s.shard_index = i;
      s.shard_count = 3;
      Extract(s);
      dirs.push_back(s.out);
    }
    const std::string merged = single.out + "_merged";
    fs::remove_all(merged);
    ASSERT_TRUE(MergeShards(dirs, merged, false).ok());
    auto want = Files(single.out), got = Files(merged);
    EXPECT_EQ(want.size(), got.size());
    for (const auto& [path, bytes] : want) {
      EXPECT_TRUE(got.count(path)) << path;
      EXPECT_TRUE(got[path] == bytes) << tag << ": " << path << " differs";
    }
    // A missing shard is refused.
    dirs.pop_back();
    EXPECT_EQ(MergeShards(dirs, merged + "2", false).code(), Status::Code::kUsage);
  }
}

TEST(Export, AuthorsLayoutWithUniqueIdxKeys) {
  const auto& r = GetFakeRun();
  ExtractOptions o = BaseOptions("export_src");
  o.features = *ParseFeatureSet("svd,loss");
  o.export_official = r.root + "/export";
  fs::remove_all(o.export_official);
  Extract(o);
  auto store = Store::Open(o.out);
  ASSERT_TRUE(store.ok());
  for (int64_t step : {10, 20}) {
    const std::string path = o.export_official + "/checkpoint-" + std::to_string(step) +
                             "_attn_svd_partial_vals_top5.json";
    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(Slurp(path));
    ASSERT_EQ(j.size(), r.rows);
    auto m = store->ReadCheckpoint(feature::kSvd, step);
    size_t i = 0;
    for (const auto& [key, values] : j.items()) {  // dataset order
      EXPECT_EQ(key, store->id(i));
      ASSERT_EQ(values.size(), 5u);
      for (size_t c = 0; c < 5; ++c) EXPECT_EQ(values[c].get<double>(), double(m->row(i)[c]));
      ++i;
    }
    const auto loss = nlohmann::json::parse(Slurp(o.export_official + "/checkpoint-" +
                                                  std::to_string(step) + "_loss.json"));
    EXPECT_EQ(loss.size(), r.rows);
    EXPECT_EQ(loss.at("ex2").get<double>(), double(store->ReadCheckpoint(feature::kLoss, step)->row(2)[0]));
  }
  EXPECT_TRUE(fs::exists(o.export_official + "/checkpoint-10_attn_svd_partial_vals_top5.json"));
}

int RunCli(const std::string& args) {
  const int rc = std::system((std::string(XMAS_BINARY) + " --quiet " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(Cli, TrajectoriesMergeAndUsageErrors) {
  const auto& r = GetFakeRun();
  const std::string base = "trajectories --run " + r.run + " --data " + r.data + " --image-folder " +
                           r.images + " --checkpoints 10:20:10 --k 3 --batch-size 2";
  for (int i = 0; i < 2; ++i) {
    fs::remove_all(r.root + "/cli" + std::to_string(i));
    ASSERT_EQ(RunCli(base + " --shard " + std::to_string(i) + "/2 --out " + r.root + "/cli" +
                     std::to_string(i)), 0);
  }
  fs::remove_all(r.root + "/cli_merged");
  ASSERT_EQ(RunCli("trajectories merge --out " + r.root + "/cli_merged " + r.root + "/cli0 " + r.root +
                   "/cli1 --export-official " + r.root + "/cli_export"), 0);
  auto store = Store::Open(r.root + "/cli_merged");
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(store->size(), r.rows);
  EXPECT_EQ(store->top_k(), 3);
  EXPECT_TRUE(fs::exists(r.root + "/cli_export/checkpoint-20_attn_svd_partial_vals_top3.json"));
  EXPECT_EQ(RunCli("trajectories --help"), 0);
  EXPECT_EQ(RunCli(base + " --mode nonsense --out " + r.root + "/cli_bad"), 2);
  EXPECT_EQ(RunCli(base + " --layers 9 --out " + r.root + "/cli_bad"), 2);
  EXPECT_EQ(RunCli("trajectories --data " + r.data), 2);
}

}  // namespace
}  // namespace xmas::traj
