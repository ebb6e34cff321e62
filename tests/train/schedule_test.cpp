#include "xmas/train/schedule.h"

#include <gtest/gtest.h>

namespace xmas::train {
namespace {

TEST(Schedule, WarmupStepsMatchHuggingFaceCeil) {
  EXPECT_EQ(WarmupSteps(100, 0.03), 3);
  EXPECT_EQ(WarmupSteps(1000, 0.03), 30);
  EXPECT_EQ(WarmupSteps(50, 0.03), 2);  // ceil(1.5)
  EXPECT_EQ(WarmupSteps(100, 0.07), 8);  // 7.000000000000001 in double, as in Python
  EXPECT_EQ(WarmupSteps(10, 0.0), 0);
}

TEST(Schedule, LinearWarmupThenCosineAgainstHandValues) {
  // total 10, warmup ceil(0.2*10) = 2, cosine over the remaining 8 updates.
  CosineSchedule s(1e-3, 10, 0.2);
  ASSERT_EQ(s.warmup_steps(), 2);
  EXPECT_DOUBLE_EQ(s.LearningRate(0), 0.0);
  EXPECT_DOUBLE_EQ(s.LearningRate(1), 0.5e-3);
  EXPECT_DOUBLE_EQ(s.LearningRate(2), 1e-3);
  EXPECT_NEAR(s.Factor(4), 0.8535533905932737, 1e-15);   // (1 + cos(pi/4)) / 2
  EXPECT_NEAR(s.Factor(6), 0.5, 1e-15);                  // (1 + cos(pi/2)) / 2
  EXPECT_NEAR(s.Factor(8), 0.14644660940672624, 1e-15);  // (1 + cos(3pi/4)) / 2
  EXPECT_NEAR(s.Factor(9), 0.03806023374435663, 1e-15);  // (1 + cos(7pi/8)) / 2
  EXPECT_NEAR(s.Factor(10), 0.0, 1e-15);
  EXPECT_EQ(s.Factor(11), 0.0);  // past the end: clamped
}

TEST(Schedule, NoWarmupStartsAtBaseAndDecreases) {
  CosineSchedule s(2e-5, 4, 0.0);
  EXPECT_DOUBLE_EQ(s.LearningRate(0), 2e-5);
  EXPECT_NEAR(s.LearningRate(2), 1e-5, 1e-20);
  for (int i = 1; i < 4; ++i) EXPECT_LT(s.Factor(i), s.Factor(i - 1));
}

TEST(Schedule, SingleStepRunDoesNotDivideByZero) {
  CosineSchedule s(1.0, 1, 0.03);  // warmup ceil(0.03) = 1
  EXPECT_EQ(s.warmup_steps(), 1);
  EXPECT_DOUBLE_EQ(s.Factor(0), 0.0);
  EXPECT_DOUBLE_EQ(s.Factor(1), 1.0);  // progress 0 at step W
}

}  // namespace
}  // namespace xmas::train
