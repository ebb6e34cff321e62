// End-to-end tests of the Trainer on the toy data (toy_data.h), `tiny` preset.
#include "xmas/train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "toy_data.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/metrics_log.h"
#include "xmas/util/atomic_file.h"

namespace fs = std::filesystem;

namespace xmas::train {
namespace {

using testing::ToyData;

std::vector<MetricsRow> Metrics(const TrainOptions& o) {
  auto rows = ReadMetrics(o.out + "/metrics.jsonl");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<MetricsRow>{};
}

Status RunToEnd(const TrainOptions& o) { return Train(o); }

TEST(Trainer, ResumeReproducesTheUninterruptedRunExactly) {
  ToyData toy;
  // 6 examples, batch 2, accumulation 2: steps of 2 and 1 micro-batches
  // alternate, and 8 steps cross several epoch boundaries.
  TrainOptions full = toy.Options("full");
  full.save_every = 4;
  ASSERT_TRUE(RunToEnd(full).ok());

  TrainOptions cut = toy.Options("cut");
  cut.save_every = 4;
  cut.stop_after_steps = 6;  // "crashes" at step 6, after checkpoint-4
  ASSERT_TRUE(RunToEnd(cut).ok());
  EXPECT_EQ(ListCheckpoints(cut.out), std::vector<int64_t>{4});
  EXPECT_FALSE(fs::exists(cut.out + "/final"));
  EXPECT_EQ(Metrics(cut).size(), 6u);

  cut.stop_after_steps = 0;
  cut.resume = true;
  ASSERT_TRUE(RunToEnd(cut).ok());

  const auto a = Metrics(full), b = Metrics(cut);
  ASSERT_EQ(a.size(), 8u);
  ASSERT_EQ(b.size(), 8u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].step, b[i].step);
    EXPECT_EQ(a[i].loss, b[i].loss) << "step " << a[i].step;  // bit-exact
    EXPECT_EQ(a[i].grad_norm, b[i].grad_norm) << "step " << a[i].step;
    EXPECT_EQ(a[i].lr, b[i].lr);
    EXPECT_EQ(a[i].tokens, b[i].tokens);
    EXPECT_EQ(a[i].epoch, b[i].epoch);
  }
  EXPECT_NE(a[0].loss, a[7].loss);
  auto wa = ReadFile(full.out + "/final/model.safetensors");
  auto wb = ReadFile(cut.out + "/final/model.safetensors");
  ASSERT_TRUE(wa.ok() && wb.ok());
  EXPECT_TRUE(*wa == *wb) << "final weights differ after resume";
  EXPECT_TRUE(fs::exists(cut.out + "/final/tokenizer.model"));
  EXPECT_TRUE(fs::exists(cut.out + "/checkpoint-8/optimizer.pt"));
}

TEST(Trainer, SameSeedSameLossesOtherSeedDiffers) {
  ToyData toy;
  TrainOptions o = toy.Options("a");
  o.max_steps = 3;
  ASSERT_TRUE(RunToEnd(o).ok());
  TrainOptions same = o;
  same.out = toy.dir + "/b";
  ASSERT_TRUE(RunToEnd(same).ok());
  TrainOptions other = o;
  other.out = toy.dir + "/c";
  other.seed = 6;
  ASSERT_TRUE(RunToEnd(other).ok());
  const auto a = Metrics(o), b = Metrics(same), c = Metrics(other);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  ASSERT_EQ(c.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a[i].loss, b[i].loss);
  EXPECT_NE(a[0].loss, c[0].loss);
}

TEST(Trainer, FrozenPartsGetNoGradientAndDoNotChange) {
  ToyData toy;
  TrainOptions o = toy.Options("frozen");
  o.trainable = "";  // finetune default: connector + llm, vision frozen
  auto t = Trainer::Create(o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto& model = (*t)->model();
  std::vector<torch::Tensor> vision_before, projector_before;
  for (const auto& p : model.VisionParameters()) vision_before.push_back(p.detach().clone());
  for (const auto& p : model.ProjectorParameters()) projector_before.push_back(p.detach().clone());
  ASSERT_FALSE(vision_before.empty());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE((*t)->Step().ok());

  const auto vision = model.VisionParameters();
  for (size_t i = 0; i < vision.size(); ++i) {
    EXPECT_FALSE(vision[i].requires_grad());
    EXPECT_FALSE(vision[i].grad().defined()) << "frozen parameter " << i << " got a gradient";
    EXPECT_TRUE(torch::equal(vision[i], vision_before[i])) << "frozen parameter " << i << " changed";
  }
  const auto projector = model.ProjectorParameters();
  bool changed = false;
  for (size_t i = 0; i < projector.size(); ++i) {
    EXPECT_TRUE(projector[i].grad().defined());
    changed |= !torch::equal(projector[i], projector_before[i]);
  }
  EXPECT_TRUE(changed) << "the trained connector did not change";
  for (const auto& p : model.LanguageParameters()) EXPECT_TRUE(p.requires_grad());
}

TEST(Trainer, PretrainStageTrainsOnlyTheConnector) {
  ToyData toy;
  TrainOptions o = toy.Options("pre");
  o.stage = "pretrain";
  o.trainable = "";
  o.template_name = "llava_v1";  // the toy data is not caption-shaped (it has text-only records)
  auto t = Trainer::Create(o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (const auto& p : (*t)->model().LanguageParameters()) EXPECT_FALSE(p.requires_grad());
  for (const auto& p : (*t)->model().ProjectorParameters()) EXPECT_TRUE(p.requires_grad());
  EXPECT_EQ((*t)->state().trainable, "connector");
  EXPECT_DOUBLE_EQ((*t)->schedule().base_lr(), 2e-3);
}

TEST(Trainer, RefusesAnUsedRunDirAndIncompatibleResume) {
  ToyData toy;
  TrainOptions o = toy.Options("run");
  o.max_steps = 2;
  o.save_every = 1;
  ASSERT_TRUE(RunToEnd(o).ok());
  Status again = RunToEnd(o);
  EXPECT_EQ(again.code(), Status::Code::kUsage) << again.ToString();

  TrainOptions changed = o;
  changed.resume = true;
  changed.seed = 99;
  Status st = Trainer::Create(changed).status();
  EXPECT_EQ(st.code(), Status::Code::kUsage) << st.ToString();
  EXPECT_NE(st.message().find("'seed'"), std::string::npos) << st.message();

  TrainOptions over = o;
  over.overwrite = true;
  over.max_steps = 1;
  over.save_every = 0;
  ASSERT_TRUE(RunToEnd(over).ok());
  EXPECT_TRUE(ListCheckpoints(o.out).empty()) << "--overwrite kept the old checkpoints";
  EXPECT_EQ(Metrics(o).size(), 1u);
}

TEST(Trainer, BadRecordNamesFileRecordAndField) {
  ToyData toy;
  fs::remove(toy.image_folder + "/green.png");
  TrainOptions o = toy.Options("bad");
  Status st = Trainer::Create(o).status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("record 1 (id 'green')"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'image'"), std::string::npos) << st.message();

  o.out = toy.dir + "/skip";
  o.skip_bad_records = true;
  auto t = Trainer::Create(o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->examples().size(), 5u);
  EXPECT_EQ((*t)->examples().skipped(), 1u);
}

}  // namespace
}  // namespace xmas::train
