// A reduced demo, end to end: demo data, tokenizer, proxy, trajectories,
// selections, targets, evaluation, table and report; then the cache: a rerun
// does nothing and an added budget runs only its own steps.
#include <gtest/gtest.h>

#include <filesystem>

#include "../common/scratch_dir.h"
#include "xmas/experiment/runner.h"
#include "xmas/util/atomic_file.h"

namespace xmas::experiment {
namespace {
using testing::ScratchDir;

// Small enough for a couple of minutes on 2 cores.
std::string SmokeConfig(const std::string& budgets, const std::string& compute = "") {
  return R"({
    "name": "smoke",
    "data": {"demo": {"size": "small", "seed": 0, "scale": 0.02, "bench_scale": 0.03}},
    "tokenizer": {"vocab_size": 400},
    "threads": 1,
    "proxy": {"model": "tiny", "pretrain_enabled": false,
              "finetune": {"learning_rate": 1e-3, "batch_size": 8, "max_steps": 4, "save_every": 2}},
    "trajectories": {"checkpoints": 2, "batch_size": 16},
    "selection": {"methods": ["xmas", "random"], "budgets": )" + budgets + R"(, "seeds": [0, 1],
                  "clusters": 3},
    "target": {"model": "tiny", )" + compute + R"(
               "pretrain": {"learning_rate": 1e-3, "batch_size": 8, "max_steps": 1},
               "finetune": {"learning_rate": 1e-3, "batch_size": 8, "max_steps": 2}},
    "eval": {"max_new_tokens": 2, "batch_size": 8}
  })";
}

TEST(ExperimentEndToEnd, ReducedDemoRunsResumesAndExtends) {
  ScratchDir dir;
  auto config = ParseExperimentConfig(SmokeConfig("[50]"), dir / "smoke.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  RunnerOptions options;
  options.out_dir = dir / "out";
  auto first = RunExperiment(*config, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // data, tokenizer, proxy finetune, store, 3 selections, target pretrain + full + 3,
  // 5 evals (the pretrained-only target too)
  EXPECT_EQ(first->steps_run, 4 + 3 + 5 + 5);
  EXPECT_EQ(first->steps_cached, 0);
  EXPECT_NE(first->results_markdown.find("| pretrain-only | 0% |"), std::string::npos)
      << first->results_markdown;
  // bench_scale: 3 questions per benchmark (100 x 0.03), not 2 (100 x 0.02)
  auto full_scores = ReadFile(first->out_dir + "/eval/full/scores.json");
  ASSERT_TRUE(full_scores.ok());
  EXPECT_NE(full_scores->find("\"count\": 3"), std::string::npos) << *full_scores;
  EXPECT_NE(first->results_markdown.find("| random (2 seeds) | 50% |"), std::string::npos)
      << first->results_markdown;
  EXPECT_NE(first->results_markdown.find("| xmas | 50% |"), std::string::npos);
  // Issue 16: gains over the majority baselines, random beside each row, the
  // CI against random, the intrinsic metrics from the demo data's truth.json.
  for (const char* part : {"| majority baseline |", "Δ vs random [95% CI]", "| xmas | 50% | 2 |",
                           "Compute: every target takes finetune.max_steps = 2", "| redundant copies |",
                           "| full data | 100% |"}) {
    EXPECT_NE(first->results_markdown.find(part), std::string::npos) << part << "\n" << first->results_markdown;
  }
  for (const auto& f : {first->results_md_path, first->results_csv_path, first->results_json_path,
                        first->report_path}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(f)) << f;
  }
  auto html = ReadFile(first->report_path);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("Trajectories of sampled clusters"), std::string::npos);
  EXPECT_NE(html->find("xmas-50-s0"), std::string::npos);  // composition of the subset
  EXPECT_NE(html->find("majority baseline"), std::string::npos);
  EXPECT_NE(html->find("What each subset took (ground truth)"), std::string::npos);

  auto again = RunExperiment(*config, options);  // nothing changed: everything cached
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->steps_run, 0);
  EXPECT_EQ(again->results_markdown, first->results_markdown);

  auto extended = ParseExperimentConfig(SmokeConfig("[20, 50]"), dir / "smoke.json");
  ASSERT_TRUE(extended.ok());
  auto third = RunExperiment(*extended, options);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->steps_run, 3 * 3);  // select + target + eval for xmas-20, random-20 × 2 seeds
  EXPECT_NE(third->results_markdown.find("| xmas | 20% |"), std::string::npos);
  // Equal steps: every target, the full-data one included, takes the same 3 steps.
  auto equal = ParseExperimentConfig(SmokeConfig("[20, 50]", R"("compute": "equal-steps", "steps": 3,)"),
                                     dir / "smoke.json");
  ASSERT_TRUE(equal.ok()) << equal.status().ToString();
  auto fourth = RunExperiment(*equal, options);
  ASSERT_TRUE(fourth.ok()) << fourth.status().ToString();
  for (const char* part : {"| full | 100% | 3 |", "| xmas | 20% | 3 |", "| random (2 seeds) | 20% | 3 |",
                           "equal steps: every fine-tuned target (full data included) takes 3 optimizer steps"}) {
    EXPECT_NE(fourth->results_markdown.find(part), std::string::npos) << part << "\n" << fourth->results_markdown;
  }
}

}  // namespace
}  // namespace xmas::experiment
