#include "xmas/train/schedule.h"

#include <algorithm>
#include <cmath>

namespace xmas::train {

int64_t WarmupSteps(int64_t total_steps, double warmup_ratio) {
  return static_cast<int64_t>(std::ceil(warmup_ratio * static_cast<double>(total_steps)));
}

CosineSchedule::CosineSchedule(double base_lr, int64_t total_steps, double warmup_ratio)
    : base_lr_(base_lr),
      total_steps_(std::max<int64_t>(1, total_steps)),
      warmup_steps_(WarmupSteps(std::max<int64_t>(1, total_steps), warmup_ratio)) {}

double CosineSchedule::Factor(int64_t step) const {
  if (step < warmup_steps_) {
    return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup_steps_));
  }
  // Clamped at 1 so a step past the end stays at 0 (Hugging Face's formula
  // would rise again; the trainer never goes there).
  const double progress = std::min(
      1.0, static_cast<double>(step - warmup_steps_) /
               static_cast<double>(std::max<int64_t>(1, total_steps_ - warmup_steps_)));
  const double pi = std::acos(-1.0);
  return std::max(0.0, 0.5 * (1.0 + std::cos(pi * progress)));
}

}  // namespace xmas::train
