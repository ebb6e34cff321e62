// The stress profile (stress_mixture.h) and truth.json: deterministic,
// shares as the recipe says, and a truth file that agrees with train.json.
#include "xmas/demodata/stress_mixture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "xmas/demodata/demo_data.h"
#include "xmas/util/atomic_file.h"

namespace xmas::demodata {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kScale = 0.25;  // 2,000 training records

std::string TempDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/xmas_stress_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  return dir;
}

DemoDataOptions StressOptions(const std::string& dir, uint64_t seed) {
  DemoDataOptions o;
  o.out_dir = dir;
  o.size = DemoSize::kStress;
  o.seed = seed;
  o.scale_counts = kScale;
  o.bench_scale = 0.1;
  return o;
}

json Read(const std::string& path) { return json::parse(ReadFile(path).value()); }

size_t Words(const std::string& text) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string w; in >> w;) n += w != "<image>";
  return n;
}

class Stress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("a");
    ASSERT_TRUE(GenerateDemoData(StressOptions(dir_, 3)).ok());
    train_ = Read(dir_ + "/train.json");
    truth_ = Read(dir_ + "/truth.json")["records"];
    manifest_ = Read(dir_ + "/manifest.json");
  }
  static std::string dir_;
  static json train_, truth_, manifest_;
};
std::string Stress::dir_;
json Stress::train_, Stress::truth_, Stress::manifest_;

TEST(StressRecipe, SharesAddUpAndYesNoDominates) {
  double sum = 0, yes_no = 0;
  int total = 0;
  for (const StressTask& t : StressTasks()) {
    sum += t.share;
    yes_no += t.yes_no ? t.share : 0;
    if (!t.yes_no) EXPECT_LE(t.share, 0.06) << t.task;
    total += StressRecordsFor(t.task, 777);
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_GE(yes_no, 0.5);
  EXPECT_EQ(total, 777);
  EXPECT_EQ(StressRecordsFor("no-such-task", 777), 0);
  const DemoSizes sizes = SizesFor(DemoSize::kStress);
  EXPECT_GE(sizes.per_benchmark, 200);
  EXPECT_EQ(ParseDemoSize("stress").value(), DemoSize::kStress);
}

TEST(StressRecipe, CopyGroupsHaveTheAskedSizes) {
  std::vector<DemoRecord> recs(10);
  for (int i = 0; i < 10; ++i) recs[i].id = "r" + std::to_string(i);
  Rng rng(5);
  AddCopyGroups(37, 4, 6, &rng, &recs);
  ASSERT_EQ(recs.size(), 47u);
  std::map<std::string, int> copies;
  for (size_t i = 10; i < recs.size(); ++i) {
    EXPECT_TRUE(recs[i].exact_duplicate);
    copies[recs[i].id]++;
  }
  int small_groups = 0;
  for (const auto& [id, n] : copies) {
    EXPECT_LE(n, 6) << id;
    small_groups += n < 4;
  }
  EXPECT_LE(small_groups, 1);  // only the last group may be cut short
}

TEST_F(Stress, SameSeedSameFilesOtherSeedOtherData) {
  const std::string again = TempDir("b"), other = TempDir("c");
  ASSERT_TRUE(GenerateDemoData(StressOptions(again, 3)).ok());
  ASSERT_TRUE(GenerateDemoData(StressOptions(other, 4)).ok());
  for (const char* f : {"/train.json", "/truth.json", "/pretrain.json", "/manifest.json", "/bench/ocr.json"}) {
    EXPECT_TRUE(ReadFile(dir_ + f).value() == ReadFile(again + f).value()) << f;
  }
  EXPECT_FALSE(ReadFile(dir_ + "/train.json").value() == ReadFile(other + "/train.json").value());
  fs::remove_all(again);
  fs::remove_all(other);
}

TEST_F(Stress, TaskSharesCopiesParaphrasesAndNoiseAsSpecified) {
  const int total = SizesFor(DemoSize::kStress, kScale).train;
  ASSERT_EQ(train_.size(), static_cast<size_t>(total));
  ASSERT_EQ(truth_.size(), train_.size());
  std::map<std::string, int> by_task;
  std::map<int64_t, int> group_size;
  int paraphrases = 0, noisy = 0;
  for (const auto& t : truth_) {
    by_task[t["task"]]++;
    group_size[t["group"].get<int64_t>()]++;
    paraphrases += !t["paraphrase_of"].is_null();
    noisy += t["noisy"].get<bool>();
  }
  double yes_no = 0;
  for (const StressTask& t : StressTasks()) {
    EXPECT_EQ(by_task[t.task], StressRecordsFor(t.task, total)) << t.task;
    yes_no += t.yes_no ? by_task[t.task] : 0;
  }
  EXPECT_EQ(by_task.size(), StressTasks().size());
  EXPECT_NEAR(yes_no / total, 0.56, 0.002);
  const StressRedundancy r;
  int copies = 0, big_groups = 0;
  for (const auto& [group, n] : group_size) {
    copies += n - 1;
    big_groups += n >= r.copies_min + 1;
    EXPECT_LE(n, 1 + r.copies_max) << "group " << group;
  }
  EXPECT_NEAR(copies / static_cast<double>(total), r.exact_copies, 0.01);
  EXPECT_GT(big_groups, 20);
  // Paraphrases (and their copies) in the image tasks: about 10% of them.
  EXPECT_GT(paraphrases / static_cast<double>(total), 0.06);
  EXPECT_LT(paraphrases / static_cast<double>(total), 0.14);
  EXPECT_GE(noisy / static_cast<double>(total), 0.10);
  EXPECT_EQ(manifest_["size"], "stress");
  EXPECT_EQ(manifest_["truth"], "truth.json");
  EXPECT_EQ(manifest_["train"]["tasks"]["fmnist-probe"], by_task["fmnist-probe"]);
}

TEST_F(Stress, TruthAgreesWithTheData) {
  std::map<int64_t, std::string> group_record;  // group -> the record's JSON
  std::map<std::string, int64_t> group_of_id;
  std::map<std::string, json> by_id;
  for (size_t i = 0; i < train_.size(); ++i) by_id[train_[i]["id"]] = train_[i];
  std::set<std::string> noisy_originals(manifest_["noisy_train_ids"].begin(), manifest_["noisy_train_ids"].end());
  for (size_t i = 0; i < train_.size(); ++i) {
    const json& rec = train_[i];
    const json& t = truth_[i];
    ASSERT_EQ(t["index"], i);
    ASSERT_EQ(t["id"], rec["id"]);
    const int64_t group = t["group"];
    // Same group <=> same record (exact copies share id, image and text).
    auto [it, fresh] = group_record.emplace(group, rec.dump());
    EXPECT_EQ(it->second, rec.dump()) << "record " << i;
    auto [git, gfresh] = group_of_id.emplace(rec["id"], group);
    EXPECT_EQ(git->second, group) << "record " << i;
    EXPECT_EQ(fresh, gfresh) << "record " << i;
    // A paraphrase shows the same image as its original, worded differently.
    if (!t["paraphrase_of"].is_null()) {
      ASSERT_TRUE(by_id.count(t["paraphrase_of"])) << "record " << i;
      const json& base = by_id[t["paraphrase_of"]];
      EXPECT_EQ(base["image"], rec["image"]);
      EXPECT_NE(base["conversations"][0]["value"], rec["conversations"][0]["value"]);
    }
    EXPECT_EQ(t["noisy"].get<bool>(), noisy_originals.count(rec["id"]) > 0) << "record " << i;
    size_t words = 0;
    for (const auto& turn : rec["conversations"]) words += Words(turn["value"]);
    EXPECT_EQ(t["words_after_image"], words) << "record " << i;
    EXPECT_EQ(rec["conversations"].size(), 2u);  // one turn, one task
  }
}

TEST(DemoDataTruth, LlavaProfileWritesTruthToo) {
  const std::string dir = TempDir("llava");
  DemoDataOptions o;
  o.out_dir = dir;
  o.seed = 2;
  o.scale_counts = 0.1;
  ASSERT_TRUE(GenerateDemoData(o).ok());
  const json train = Read(dir + "/train.json"), truth = Read(dir + "/truth.json")["records"];
  ASSERT_EQ(truth.size(), train.size());
  std::set<std::string> tasks;
  for (size_t i = 0; i < train.size(); ++i) {
    EXPECT_EQ(truth[i]["id"], train[i]["id"]);
    tasks.insert(truth[i]["task"]);
  }
  EXPECT_GE(tasks.size(), 12u);
  EXPECT_FALSE(Read(dir + "/manifest.json").contains("truth"));  // small/bench manifests unchanged
  fs::remove_all(dir);
}

}  // namespace
}  // namespace xmas::demodata
