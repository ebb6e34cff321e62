// Private state of Trainer, shared by trainer_setup.cpp and trainer.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "xmas/dist/world.h"
#include "xmas/model/config.h"
#include "xmas/train/metrics_log.h"
#include "xmas/train/sampler.h"
#include "xmas/train/trainable.h"
#include "xmas/train/trainer.h"

namespace xmas::train {

struct Trainer::Impl {
  std::shared_ptr<dist::World> world;  // never null (a one-process World when training alone)
  std::string tokenizer_path;  // RUN/tokenizer.model
  model::ModelConfig config;
  TrainableParts parts;
  std::vector<torch::Tensor> params;  // trainable, optimizer order
  std::unique_ptr<torch::optim::AdamW> optimizer;
  SamplerOptions sampler;
  int64_t micro_per_epoch = 0;
  int64_t steps_per_epoch = 0;
  MetricsLog metrics;

  int64_t order_epoch = -1;  // epoch `order` belongs to
  std::vector<std::vector<size_t>> order;
};

}  // namespace xmas::train
