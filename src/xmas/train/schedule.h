// Learning-rate schedule: linear warmup then cosine decay to zero.
//
// It reproduces the schedule LLaVA/XMAS get from Hugging Face
// (get_cosine_schedule_with_warmup with warmup_steps = ceil(ratio * total)),
// so the proxy's learning-rate curve matches the published recipe (docs/method.md §2 step 2):
//
//   factor(s) = s / max(1, W)                                  for s < W
//   factor(s) = max(0, 0.5 * (1 + cos(pi * (s - W) / max(1, T - W))))  else
//
// where s is the 0-based index of the optimizer update (the first update uses
// factor(0), i.e. lr 0 when W > 0, exactly as in Hugging Face), W the warmup
// steps and T the total number of updates. Steps past T stay at factor 0.
#pragma once

#include <cstdint>

namespace xmas::train {

class CosineSchedule {
 public:
  // warmup_ratio in [0, 1]; total_steps >= 1.
  CosineSchedule(double base_lr, int64_t total_steps, double warmup_ratio);

  // Learning rate of the 0-based optimizer update `step`.
  double LearningRate(int64_t step) const { return base_lr_ * Factor(step); }
  // The multiplier in [0, 1] applied to the base learning rate.
  double Factor(int64_t step) const;

  double base_lr() const { return base_lr_; }
  int64_t total_steps() const { return total_steps_; }
  int64_t warmup_steps() const { return warmup_steps_; }

 private:
  double base_lr_;
  int64_t total_steps_;
  int64_t warmup_steps_;
};

// ceil(ratio * total_steps) in double arithmetic, as Hugging Face computes it
// (so 0.07 * 100 = 7.000000000000001 gives 8 there and here).
int64_t WarmupSteps(int64_t total_steps, double warmup_ratio);

}  // namespace xmas::train
