#include "xmas/experiment/experiment_config.h"

#include <gtest/gtest.h>

namespace xmas::experiment {
namespace {

TEST(ExperimentConfig, ParsesFieldsAndKeepsDefaults) {
  auto c = ParseExperimentConfig(R"({
    "name": "t", "data": {"demo": {"size": "small", "seed": 3}},
    "proxy": {"model": "tiny", "finetune": {"save_every": 7, "learning_rate": 1e-3}},
    "trajectories": {"checkpoints": 4},
    "selection": {"methods": ["xmas", "random"], "budgets": [5, 50], "seeds": [0, 1, 2]},
    "eval": {"limit": 10}
  })", "/cfg/t.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->name, "t");
  EXPECT_EQ(c->data.demo_size, "small");
  EXPECT_EQ(c->data.demo_seed, 3u);
  EXPECT_EQ(c->proxy.finetune.save_every, 7);
  EXPECT_DOUBLE_EQ(c->proxy.finetune.learning_rate, 1e-3);
  EXPECT_EQ(c->proxy.finetune.batch_size, 8);  // default kept
  EXPECT_EQ(c->trajectories.checkpoints, 4);
  EXPECT_EQ(c->selection.budgets, (std::vector<double>{5, 50}));
  EXPECT_EQ(c->selection.seeds.size(), 3u);
  EXPECT_EQ(c->eval.limit, 10);
}

TEST(ExperimentConfig, RelativePathsAreRelativeToTheConfig) {
  auto c = ParseExperimentConfig(R"({"data": {"train": "d/train.json", "bench": "d/bench"}})",
                                 "/cfg/x.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data.train, "/cfg/d/train.json");
  EXPECT_EQ(c->data.bench, "/cfg/d/bench");
  EXPECT_EQ(c->name, "x");
}

void ExpectError(const std::string& text, const std::string& fragment) {
  auto c = ParseExperimentConfig(text, "c.json");
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_NE(c.status().message().find(fragment), std::string::npos) << c.status().message();
  EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
}

TEST(ExperimentConfig, ErrorsNameTheField) {
  const std::string demo = R"("data": {"demo": {"size": "small"}})";
  ExpectError("{" + demo + R"(, "selection": {"budgets": [10, 150]}})",
              "c.json: field 'selection.budgets[1]': expected a number in (0, 100]");
  ExpectError("{" + demo + R"(, "proxy": {"finetune": {"lr": 1}}})",
              "field 'proxy.finetune.lr': unknown field");
  ExpectError("{" + demo + R"(, "seletion": {}})", "field 'seletion': unknown field");
  ExpectError(R"({"data": {"demo": {"size": "huge"}}})", "field 'data.demo.size'");
  ExpectError(R"({"proxy": {}})", "field 'data': missing");
  ExpectError(R"({"data": {"train": "a.json"}})", "field 'data.bench'");
  ExpectError("{" + demo + R"(, "trajectories": {"mode": "rand"}})", "trajectories.mode");
  ExpectError("{" + demo + R"(, "proxy": {"finetune": {"batch_size": 0}}})",
              "'proxy.finetune.batch_size': expected an integer >= 1");
  ExpectError("[1", "not valid JSON");
  ExpectError(R"({"data": {"demo": {"size": "small", "bench_scale": 2}}})",
              "field 'data.demo.bench_scale': expected a number in [0.0, 1.0]");
}

// A method or knob that does not exist fails when the config is read, not
// after the proxy has been trained.
TEST(ExperimentConfig, UnknownMethodsAndKnobsFailWhenRead) {
  const std::string demo = R"("data": {"demo": {"size": "small"}})";
  ExpectError("{" + demo + R"(, "selection": {"methods": ["xmas", "xmass"]}})",
              "c.json: field 'selection.methods[1]': expected a method name (xmas, random, s2l, el2n, "
              "perplexity, clip-score, semdedup, d2-pruning");
  ExpectError("{" + demo + R"(, "selection": {"methods": [3]}})", "field 'selection.methods[0]'");
  ExpectError("{" + demo + R"(, "selection": {"extra": {"temprature": 0.2}}})",
              "c.json: field 'selection.extra.temprature': unknown option or wrong type");
  ExpectError("{" + demo + R"(, "selection": {"extra": {"knn": "ten"}}})", "field 'selection.extra.knn'");
  auto ok = ParseExperimentConfig("{" + demo + R"(, "selection": {"methods": ["coincide", "d2-pruning"],
                                  "extra": {"tolerance": 0, "knn": 5}}})", "c.json");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(ExperimentConfig, BenchScaleIsOptionalAndRoundTrips) {
  auto plain = ParseExperimentConfig(R"({"data": {"demo": {"size": "bench", "scale": 0.02}}})", "c.json");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->data.demo_bench_scale, 0.0);
  EXPECT_FALSE(ConfigToJson(*plain)["data"]["demo"].contains("bench_scale"));  // old cache keys kept
  auto c = ParseExperimentConfig(R"({"data": {"demo": {"size": "bench", "scale": 0.02, "bench_scale": 0.06}}})",
                                 "c.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->data.demo_bench_scale, 0.06);
  auto again = ParseExperimentConfig(ConfigToJson(*c).dump(), "c.json");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_DOUBLE_EQ(again->data.demo_bench_scale, 0.06);
}

TEST(ExperimentConfig, ToJsonRoundTripsThroughParse) {
  auto c = ParseExperimentConfig(R"({"data": {"demo": {"size": "bench"}}, "selection": {"budgets": [30]}})",
                                 "c.json");
  ASSERT_TRUE(c.ok());
  auto j = ConfigToJson(*c);
  auto again = ParseExperimentConfig(j.dump(), "c.json");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ConfigToJson(*again), j);
}

TEST(ExperimentConfig, EqualStepsGivesEveryTargetTheFullDataSteps) {
  auto epochs = ParseExperimentConfig(R"({"data": {"demo": {"size": "stress"}},
      "target": {"finetune": {"epochs": 2, "batch_size": 2, "grad_accum": 2}}})", "c.json");
  ASSERT_TRUE(epochs.ok()) << epochs.status().ToString();
  EXPECT_EQ(epochs->target.compute, ComputeMode::kEqualEpochs);  // the paper's mode is the default
  EXPECT_EQ(TargetFinetuneRecipe(epochs->target, 4001).max_steps, 0);  // the epochs decide
  EXPECT_NE(DescribeCompute(epochs->target, 4001).find("equal epochs"), std::string::npos);

  auto steps = ParseExperimentConfig(R"({"data": {"demo": {"size": "stress"}},
      "target": {"compute": "equal-steps", "finetune": {"epochs": 2, "batch_size": 2, "grad_accum": 2}}})", "c.json");
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  EXPECT_EQ(steps->target.compute, ComputeMode::kEqualSteps);
  // 4001 examples: 2001 micro-batches of 2, 1001 steps of 2 micro-batches, 2 epochs.
  EXPECT_EQ(EqualSteps(steps->target, 4001), 2002);
  EXPECT_EQ(TargetFinetuneRecipe(steps->target, 4001).max_steps, 2002);
  EXPECT_EQ(TargetFinetuneRecipe(steps->target, 4001).epochs, 2);  // unchanged; max_steps wins
  EXPECT_NE(DescribeCompute(steps->target, 4001).find("equal steps: every fine-tuned target (full data included) "
                                                      "takes 2002 optimizer steps of batch 4"),
            std::string::npos)
      << DescribeCompute(steps->target, 4001);

  auto fixed = ParseExperimentConfig(R"({"data": {"demo": {"size": "stress"}},
      "target": {"compute": "equal-steps", "steps": 700}})", "c.json");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(TargetFinetuneRecipe(fixed->target, 4001).max_steps, 700);
  // The mode is part of the config (and so of the report); it round-trips.
  auto again = ParseExperimentConfig(ConfigToJson(*fixed).dump(), "c.json");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->target.compute, ComputeMode::kEqualSteps);
  EXPECT_EQ(again->target.compute_steps, 700);
}

TEST(ExperimentConfig, ComputeFieldsAreCheckedWhenRead) {
  auto bad = ParseExperimentConfig(R"({"data": {"demo": {"size": "small"}}, "target": {"compute": "same"}})", "c.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("field 'target.compute': expected \"equal-epochs\" or \"equal-steps\""),
            std::string::npos) << bad.status().message();
  auto steps = ParseExperimentConfig(R"({"data": {"demo": {"size": "small"}}, "target": {"steps": 5}})", "c.json");
  ASSERT_FALSE(steps.ok());
  EXPECT_NE(steps.status().message().find("field 'target.steps': only with"), std::string::npos);
  auto proxy = ParseExperimentConfig(R"({"data": {"demo": {"size": "small"}}, "proxy": {"compute": "equal-steps"}})",
                                     "c.json");
  ASSERT_FALSE(proxy.ok());
  EXPECT_NE(proxy.status().message().find("field 'proxy.compute': unknown field"), std::string::npos)
      << proxy.status().message();
}

TEST(ExperimentConfig, PretrainScaleKeepsEveryCaption) {
  auto c = ParseExperimentConfig(R"({"data": {"demo": {"size": "stress", "scale": 0.5, "pretrain_scale": 1}}})",
                                 "c.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->data.demo_pretrain_scale, 1.0);
  EXPECT_DOUBLE_EQ(ConfigToJson(*c)["data"]["demo"]["pretrain_scale"].get<double>(), 1.0);
  auto plain = ParseExperimentConfig(R"({"data": {"demo": {"size": "stress"}}})", "c.json");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(ConfigToJson(*plain)["data"]["demo"].contains("pretrain_scale"));  // old cache keys kept
}

}  // namespace
}  // namespace xmas::experiment
