// The stage table (train/stage.h): what each stage defaults to.
#include "xmas/train/stage.h"

#include <gtest/gtest.h>

#include "xmas/train/trainable.h"

namespace xmas::train {
namespace {

TEST(Stage, DefaultsOfTheLlavaRecipe) {
  auto pre = FindStage("pretrain");
  ASSERT_TRUE(pre.ok());
  EXPECT_EQ((*pre)->template_kind, text::TemplateKind::kPlain);
  EXPECT_EQ((*pre)->learning_rate, 1e-3);
  EXPECT_EQ(DefaultTrainable("pretrain")->ToString(), "connector");
  auto fine = FindStage("finetune");
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ((*fine)->template_kind, text::TemplateKind::kLlavaV1);
  EXPECT_EQ((*fine)->learning_rate, 2e-5);
  EXPECT_EQ(DefaultTrainable("finetune")->ToString(), "connector,llm");
  EXPECT_EQ(StageNames(), (std::vector<std::string>{"pretrain", "finetune"}));
}

TEST(Stage, UnknownStageIsAUsageError) {
  auto bad = FindStage("pre-train");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kUsage);
  EXPECT_EQ(bad.status().message(), "--stage: expected pretrain or finetune, got 'pre-train'");
  EXPECT_FALSE(DefaultTrainable("pre-train").ok());
}

}  // namespace
}  // namespace xmas::train
