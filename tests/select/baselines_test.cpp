// Baselines on small crafted stores whose right answer is known.
#include <cmath>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "xmas/select/baseline_util.h"
#include "xmas/select/kmeans.h"
#include "xmas/select/select.h"
#include "xmas/util/atomic_file.h"

namespace xmas::select {
namespace {
using testing::TempDir;

class BaselineTest : public ::testing::Test {
 protected:
  // n image records; `fill` writes the store's features.
  void Make(size_t n, const std::function<void(xmas::store::StoreWriter*)>& fill) {
    keys_ = testing::WriteDataset(d_ / "data.json", n, 0);
    auto w = xmas::store::StoreWriter::Create(d_ / "store", keys_, std::vector<uint8_t>(n, 1));
    ASSERT_TRUE(w.ok());
    fill(&*w);
    ASSERT_TRUE(w->Finish().ok());
  }
  Result<std::vector<size_t>> Run(const std::string& method, const std::string& budget,
                                  const std::function<void(SelectOptions*)>& tweak = {}) {
    SelectOptions o;
    o.method = method;
    o.trajectories = d_ / "store";
    o.data = d_ / "data.json";
    o.output = d_ / "out.json";
    o.budget = *Budget::Parse(budget);
    o.seed = 3;
    if (tweak) tweak(&o);
    XMAS_RETURN_IF_ERROR(RunSelect(o));
    auto rep = nlohmann::json::parse(*ReadFile(d_ / "out.report.json"));
    return rep["chosen_indices"].get<std::vector<size_t>>();
  }
  TempDir d_;
  std::vector<std::string> keys_;
};

TEST_F(BaselineTest, RandomIsExactAndSeeded) {
  Make(50, [](xmas::store::StoreWriter*) {});
  auto a = Run("random", "20%");
  auto b = Run("random", "20%");
  auto c = Run("random", "20%", [](SelectOptions* o) { o->seed = 4; });
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->size(), 10u);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_EQ(std::set<size_t>(a->begin(), a->end()).size(), 10u);
}

TEST_F(BaselineTest, ScoreBands) {
  std::vector<float> score(40), nll(40);
  for (int i = 0; i < 40; ++i) score[i] = static_cast<float>((i * 17) % 40), nll[i] = 0.1f * i;
  Make(40, [&](xmas::store::StoreWriter* w) {
    ASSERT_TRUE(w->AddStatic("el2n", score.data(), -1).ok());
    ASSERT_TRUE(w->AddStatic("nll", nll.data(), -1).ok());
  });
  auto high = Run("el2n", "10%");  // default band: the 4 highest scores
  ASSERT_TRUE(high.ok()) << high.status().message();
  for (size_t i : *high) EXPECT_GE(score[i], 36.f);
  auto low = Run("el2n", "4", [](SelectOptions* o) { o->band = "low"; });
  for (size_t i : *low) EXPECT_LT(score[i], 4.f);
  auto mid = Run("perplexity", "4");  // middle band of exp(nll): records 18..21
  ASSERT_TRUE(mid.ok()) << mid.status().message();
  EXPECT_EQ(std::set<size_t>(mid->begin(), mid->end()), (std::set<size_t>{18, 19, 20, 21}));
}

TEST_F(BaselineTest, ClipScoreKeepsTheBestAligned) {
  std::vector<float> img(20 * 2), txt(20 * 2);
  for (int i = 0; i < 20; ++i) {
    const double angle = 0.15 * i;  // text turns away from the image as i grows
    img[2 * i] = 1, img[2 * i + 1] = 0;
    txt[2 * i] = static_cast<float>(std::cos(angle)), txt[2 * i + 1] = static_cast<float>(std::sin(angle));
  }
  Make(20, [&](xmas::store::StoreWriter* w) {
    ASSERT_TRUE(w->AddStatic("image_embed", img.data(), 2).ok());
    ASSERT_TRUE(w->AddStatic("text_embed", txt.data(), 2).ok());
  });
  auto r = Run("clip-score", "5");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(std::set<size_t>(r->begin(), r->end()), (std::set<size_t>{0, 1, 2, 3, 4}));
}

// 10 distinct directions, each present 4 times (3 planted near-duplicates).
std::vector<float> Duplicated(size_t* n) {
  std::vector<float> e;
  for (int copy = 0; copy < 4; ++copy) {
    for (int g = 0; g < 10; ++g) {
      for (int j = 0; j < 8; ++j) e.push_back(j == g % 8 ? 1.f + 0.1f * (g / 8) : 0.05f * (j == (g + 3) % 8) * g + 1e-4f * copy);
    }
  }
  *n = e.size() / 8;
  return e;
}

TEST_F(BaselineTest, SemDeDupRemovesPlantedDuplicates) {
  size_t n = 0;
  const auto e = Duplicated(&n);
  Make(n, [&](xmas::store::StoreWriter* w) { ASSERT_TRUE(w->AddStatic("embed", e.data(), 8).ok()); });
  auto r = Run("semdedup", "10", [](SelectOptions* o) { o->clusters = 3; o->semdedup_eps = 0.001; });
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::set<size_t> groups;
  for (size_t i : *r) groups.insert(i % 10);
  EXPECT_EQ(groups.size(), 10u);  // one copy of every group, no duplicate kept
  auto rep = nlohmann::json::parse(*ReadFile(d_ / "out.report.json"));
  EXPECT_EQ(rep["details"]["duplicates_found"], 30);
}

TEST_F(BaselineTest, D2PruningSpreadsOverDenseRegions) {
  // 20 points around (1, 0), 5 around (0, 1): picking 2 must take one of each.
  std::vector<float> e;
  for (int i = 0; i < 25; ++i) {
    const bool a = i < 20;
    e.push_back(a ? 1.f : 0.001f * i);
    e.push_back(a ? 0.001f * i : 1.f);
  }
  Make(25, [&](xmas::store::StoreWriter* w) { ASSERT_TRUE(w->AddStatic("embed", e.data(), 2).ok()); });
  auto r = Run("d2-pruning", "2", [](SelectOptions* o) { o->knn = 19; o->gamma = 10; });
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_NE((*r)[0] < 20, (*r)[1] < 20);
}

TEST_F(BaselineTest, CoincideHitsTheBudgetAndCoversClusters) {
  std::vector<float> img, txt;
  for (int i = 0; i < 60; ++i) {
    const int c = i % 3;
    for (int j = 0; j < 4; ++j) img.push_back(j == c ? 1.f : 0.01f * ((i + j) % 5));
    for (int j = 0; j < 3; ++j) txt.push_back(j == c ? 1.f : 0.02f * ((i * j) % 4));
  }
  Make(60, [&](xmas::store::StoreWriter* w) {
    ASSERT_TRUE(w->AddStatic("coincide_image", img.data(), 4).ok());
    ASSERT_TRUE(w->AddStatic("coincide_text", txt.data(), 3).ok());
  });
  auto r = Run("coincide", "15%", [](SelectOptions* o) { o->clusters = 3; });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 9u);
  std::set<size_t> kinds;
  for (size_t i : *r) kinds.insert(i % 3);
  EXPECT_EQ(kinds.size(), 3u);
  auto again = Run("coincide", "15%", [](SelectOptions* o) { o->clusters = 3; });
  EXPECT_EQ(*r, *again);
}

// Spread points (a fixed LCG): k-means from random centroids needs many
// iterations on them, so a loose tolerance stops it at another assignment.
std::vector<float> Spread(size_t n, size_t d) {
  std::vector<float> v(n * d);
  uint64_t x = 88172645463325252ull;
  for (float& f : v) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    f = static_cast<float>((x >> 40) % 1000) / 1000.f - 0.5f;
  }
  return v;
}

// The k-means settings reach every method that clusters: --tolerance once
// stopped at xmas/s2l, while semdedup and coincide ran k-means with the
// default 1e-3 whatever was asked (and the report recorded the asked value).
TEST_F(BaselineTest, KMeansToleranceReachesEveryClusteringMethod) {
  const size_t n = 300, d = 4;
  const std::vector<float> e = Spread(n, d);
  Make(n, [&](xmas::store::StoreWriter* w) {
    ASSERT_TRUE(w->AddStatic("embed", e.data(), d).ok());
    ASSERT_TRUE(w->AddStatic("coincide_image", e.data(), 2).ok());
    ASSERT_TRUE(w->AddStatic("coincide_text", e.data() + n * 2, 2).ok());
  });
  auto ds = data::DatasetIndex::Load(d_ / "data.json");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  xmas::store::FeatureMatrix unit;  // semdedup clusters the centred unit rows (issue 17)
  unit.rows = n;
  unit.cols = d;
  unit.values = e;
  SelectOptions centred;
  PrepareEmbedding(&unit, centred);
  for (const char* method : {"semdedup", "coincide"}) {
    std::vector<int64_t> clusters[2];
    for (int t = 0; t < 2; ++t) {
      SelectOptions o;
      o.method = method;
      o.trajectories = d_ / "store";
      o.budget = *Budget::Parse("20%");
      o.seed = 3;
      o.clusters = 12;
      o.kmeans.tolerance = t == 0 ? 0.0 : 0.2;
      auto sel = Select(*ds, o);
      ASSERT_TRUE(sel.ok()) << method << ": " << sel.status().message();
      clusters[t] = sel->cluster_of;
      if (std::string(method) != "semdedup") continue;
      KMeansOptions ko;  // what semdedup must run: the asked settings
      ko.k = 12;
      ko.seed = 3;
      ko.tolerance = o.kmeans.tolerance;
      auto want = KMeans(unit.values.data(), n, d, ko);
      ASSERT_TRUE(want.ok());
      EXPECT_EQ(clusters[t], std::vector<int64_t>(want->assignment.begin(), want->assignment.end()))
          << "tolerance " << o.kmeans.tolerance;
    }
    EXPECT_NE(clusters[0], clusters[1]) << method << ": --tolerance changed nothing";
  }
}

TEST_F(BaselineTest, MissingFeatureIsAClearError) {
  Make(10, [](xmas::store::StoreWriter*) {});
  for (const char* m : {"el2n", "perplexity", "clip-score", "semdedup", "d2-pruning", "coincide", "s2l"}) {
    auto r = Run(m, "2");
    ASSERT_FALSE(r.ok()) << m;
    EXPECT_NE(r.status().message().find("feature"), std::string::npos) << m << ": " << r.status().message();
  }
}

}  // namespace
}  // namespace xmas::select
