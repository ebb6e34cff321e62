// The method table (methods.h) and the checks Select makes before any work.
#include <set>

#include <gtest/gtest.h>

#include "test_util.h"
#include "xmas/data/dataset_index.h"
#include "xmas/select/methods.h"
#include "xmas/select/select.h"

namespace xmas::select {
namespace {
using testing::TempDir;

TEST(Methods, NamesAreUniqueAndEveryRowIsComplete) {
  std::set<std::string> names;
  for (const Method& m : Methods()) {
    EXPECT_TRUE(names.insert(m.name).second) << m.name;
    EXPECT_NE(m.run, nullptr) << m.name;
    EXPECT_NE(std::string(m.help), "") << m.name;
    EXPECT_EQ(FindMethod(m.name), &m);
  }
  EXPECT_EQ(MethodNames().size(), Methods().size());
  EXPECT_EQ(FindMethod("xmass"), nullptr);
  auto bad = LookUpMethod("xmass");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kUsage);
  std::string all;
  for (const std::string& n : MethodNames()) all += (all.empty() ? "" : ", ") + n;
  EXPECT_EQ(bad.status().message(), "--method 'xmass': unknown method (expected: " + all + ")");
  EXPECT_EQ(all.rfind("xmas, random, s2l, el2n, perplexity, clip-score, semdedup, d2-pruning, coincide", 0), 0u);
  for (const std::string& n : MethodNames()) EXPECT_NE(MethodHelp().find(n + ": "), std::string::npos) << n;
}

// The features each method makes an experiment extract (what the runner
// computed method by method before the table).
TEST(Methods, FeaturesForMethods) {
  const std::pair<const char*, const char*> want[] = {
      {"xmas", "svd"},      {"random", ""},         {"s2l", "loss"},
      {"el2n", "el2n"},     {"perplexity", "loss"}, {"clip-score", "clip"},
      {"semdedup", "embed"}, {"d2-pruning", "el2n,embed"}, {"coincide", "embed"}};
  for (const auto& [method, features] : want) EXPECT_EQ(FeaturesForMethods({method}), features) << method;
  EXPECT_EQ(FeaturesForMethods({"xmas", "random"}), "svd");
  EXPECT_EQ(FeaturesForMethods({"semdedup", "el2n", "d2-pruning", "s2l"}), "embed,el2n,loss");
  EXPECT_EQ(FeaturesForMethods({"random"}), "");
  EXPECT_EQ(FeaturesForMethods({}), "");
  // Only random runs once per seed in an experiment.
  for (const Method& m : Methods()) EXPECT_EQ(m.per_seed, std::string(m.name) == "random") << m.name;
}

// The budget, the method and its mode are checked before anything is read:
// the trajectories named here do not exist, so any work would fail otherwise.
TEST(Methods, SelectChecksBeforeAnyWork) {
  TempDir d;
  testing::WriteDataset(d / "data.json", 10, 2);
  auto ds = data::DatasetIndex::Load(d / "data.json");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  SelectOptions o;
  o.trajectories = d / "no-such-store";
  for (const char* method : {"xmas", "semdedup", "random"}) {
    o.method = method;
    o.budget = *Budget::Parse("13");
    auto r = Select(*ds, o);
    ASSERT_FALSE(r.ok()) << method;
    EXPECT_EQ(r.status().code(), Status::Code::kUsage) << method;
    EXPECT_EQ(r.status().message(), "--budget 13: 13 examples asked, the data has 12") << method;
  }
  o.budget = *Budget::Parse("50%");
  o.method = "xmass";
  EXPECT_EQ(Select(*ds, o).status().code(), Status::Code::kUsage);
  o.method = "el2n";
  o.compat = Compat::kOfficial;
  EXPECT_NE(Select(*ds, o).status().message().find("--compat official"), std::string::npos);
  o.compat = Compat::kDefault;
  o.trajectories.clear();
  EXPECT_EQ(Select(*ds, o).status().message(), "--method el2n needs --trajectories");
  o.method = "random";  // the one method that reads no features
  auto r = Select(*ds, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->chosen.size(), 6u);
  o.method = "semdedup";
  o.trajectories = d / "no-such-store";
  o.write_official_dir = d / "official";
  EXPECT_NE(Select(*ds, o).status().message().find("--write-official"), std::string::npos);
}

TEST(Methods, SetOptionFromJson) {
  SelectOptions o;
  EXPECT_TRUE(SetOptionFromJson("tolerance", 0.0, &o).ok());
  EXPECT_EQ(o.kmeans.tolerance, 0.0);
  EXPECT_TRUE(SetOptionFromJson("iterations", 7, &o).ok());
  EXPECT_EQ(o.kmeans.iterations, 7);
  EXPECT_TRUE(SetOptionFromJson("band", "low", &o).ok());
  EXPECT_EQ(o.band, "low");
  EXPECT_FALSE(SetOptionFromJson("band", 3, &o).ok());
  EXPECT_FALSE(SetOptionFromJson("temprature", 0.1, &o).ok());
}

// The k-means settings every clustering method runs.
TEST(Methods, KMeansFor) {
  SelectOptions o;
  o.kmeans.iterations = 17;
  o.kmeans.tolerance = 0.25;
  o.kmeans.max_points_per_centroid = 9;
  o.seed = 99;
  o.threads = 3;
  // DefaultClusters (issue 17): round(sqrt(N/2)), at most budget/20; it was N/665 = 7.
  KMeansOptions k = KMeansFor(o, 665 * 7);
  EXPECT_EQ(k.k, 48);
  EXPECT_EQ(KMeansFor(o, 665 * 7, 140).k, 7);
  EXPECT_EQ(k.iterations, 17);
  EXPECT_EQ(k.tolerance, 0.25);
  EXPECT_EQ(k.max_points_per_centroid, 9);
  EXPECT_EQ(k.seed, 99u);
  EXPECT_EQ(k.threads, 3);
  EXPECT_EQ(k.engine, KMeansEngine::kFast);
  o.compat = Compat::kOfficial;
  EXPECT_EQ(KMeansFor(o, 10).k, 1000);
  EXPECT_EQ(KMeansFor(o, 10).engine, KMeansEngine::kFaiss);
  o.clusters = 5;
  EXPECT_EQ(KMeansFor(o, 10).k, 5);
}

}  // namespace
}  // namespace xmas::select
