// configs/stress.json parses and asks for what issue 16 needs: the stress
// demo data, budgets 10% and 30%, random with three seeds and both controls.
#include <gtest/gtest.h>

#include <algorithm>

#include "xmas/experiment/experiment_config.h"

namespace xmas::experiment {
namespace {

TEST(StressConfig, ParsesWithTheControlsAndThreeRandomSeeds) {
  auto c = LoadExperimentConfig("../configs/stress.json");  // tests run from tests/
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->data.demo_size, "stress");
  EXPECT_EQ(c->selection.budgets, (std::vector<double>{10, 30}));
  EXPECT_EQ(c->selection.seeds.size(), 3u);
  for (const char* m : {"xmas", "random", "s2l", "coincide", "semdedup", "oracle", "anti"}) {
    const auto& ms = c->selection.methods;
    EXPECT_NE(std::find(ms.begin(), ms.end(), m), ms.end()) << m;
  }
  // Issue 16: >= 200 questions per benchmark (250 x bench_scale), every
  // caption image for the alignment stage, equal steps for every target.
  EXPECT_GE(250 * c->data.demo_bench_scale, 200);
  EXPECT_DOUBLE_EQ(c->data.demo_pretrain_scale, 1.0);
  EXPECT_TRUE(c->target.pretrain_enabled);
  EXPECT_GE(c->target.pretrain.epochs, 2);
  EXPECT_EQ(c->target.compute, ComputeMode::kEqualSteps);
}

TEST(DemoConfig, ShowsTheControlsAgainstRandom) {
  auto c = LoadExperimentConfig("../configs/demo.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->data.demo_size, "stress");
  EXPECT_GE(c->selection.seeds.size(), 3u);
  for (const char* m : {"random", "oracle", "anti"}) {
    const auto& ms = c->selection.methods;
    EXPECT_NE(std::find(ms.begin(), ms.end(), m), ms.end()) << m;
  }
  EXPECT_EQ(c->target.compute, ComputeMode::kEqualSteps);
}

TEST(StressConfig, UnknownDemoSizeIsRejected) {
  auto c = ParseExperimentConfig(R"({"name": "x", "data": {"demo": {"size": "huge"}}})", "x.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("stress"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace xmas::experiment
