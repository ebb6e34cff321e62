// The training loop of `xmas train`.
//
//   XMAS_ASSIGN_OR_RETURN(auto trainer, Trainer::Create(options));
//   XMAS_RETURN_IF_ERROR(trainer->Run());   // RUN/metrics.jsonl, checkpoints, RUN/final
//
// One optimizer step = grad_accum forward/backward passes over micro-batches
// taken in the sampler's order (sampler.h); each micro-batch's mean token
// loss is divided by the number of micro-batches of the step, as Hugging
// Face's Trainer does. Then gradients are clipped to max_grad_norm (the
// pre-clip norm is logged), the learning rate of the schedule (schedule.h)
// for this update is set, and AdamW steps. An epoch's last step may have
// fewer micro-batches; the next epoch starts a fresh step.
//
// Reproducibility: on CPU the same options (seed included) give the same
// losses bit for bit, and a run resumed from checkpoint-<k> continues with the
// losses the uninterrupted run had (the data order is recomputed from
// (seed, epoch); weights, AdamW moments and the position are restored).
// Timing fields (seconds, tokens/s) naturally differ.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "xmas/model/model.h"
#include "xmas/train/example_source.h"
#include "xmas/train/schedule.h"
#include "xmas/train/train.h"
#include "xmas/train/train_options.h"
#include "xmas/train/trainer_state.h"
#include "xmas/util/status.h"

namespace xmas::train {

struct StepStats {
  int64_t step = 0;     // 1-based index of the update just made
  double loss = 0;      // mean over the step's micro-batches
  double lr = 0;        // learning rate used by the update
  double grad_norm = 0; // total L2 norm of the gradients before clipping
  int64_t tokens = 0;   // non-padding input tokens of the step
  double seconds = 0;   // wall time of the step
};

class Trainer {
 public:
  // Validates the options, prepares RUN (refusing a non-empty one unless
  // --resume or --overwrite), loads and encodes the data, resolves tokenizer
  // and config, builds the model (from --init when given), freezes the parts
  // not trained, and on --resume restores RUN's latest checkpoint.
  static Result<std::unique_ptr<Trainer>> Create(const TrainOptions& options);
  ~Trainer();

  // Trains to the last step (or options.stop_after_steps more steps), logging
  // metrics, saving checkpoint-<step> every save_every steps, and writing
  // RUN/final when the last step is done.
  Status Run();

  // One optimizer step. Its gradients stay on the parameters until the next
  // step (tests inspect them). Error when finished().
  Result<StepStats> Step();

  bool finished() const;
  model::Model& model() { return *model_; }
  const TrainerState& state() const { return state_; }
  const CosineSchedule& schedule() const { return schedule_; }
  const ExampleSource& examples() const { return *source_; }
  // The micro-batches of `epoch`, in training order.
  const std::vector<std::vector<size_t>>& EpochOrder(int64_t epoch);
  // Examples `indices` collated as Step() collates a micro-batch (on the CPU),
  // e.g. to replay a run's batches elsewhere (bench/dump_batches.cpp).
  Result<model::Batch> MakeBatch(const std::vector<size_t>& indices) { return source_->MakeBatch(indices); }

 private:
  explicit Trainer(const TrainOptions& options);
  Status Setup();
  Status SetupModel();
  Status SetupProgress();
  Status Resume();
  Status Save(const std::string& dir, bool with_optimizer);

  struct Impl;
  TrainOptions options_;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<model::Model> model_;
  std::unique_ptr<ExampleSource> source_;
  CosineSchedule schedule_{0, 1, 0};
  TrainerState state_;
};

}  // namespace xmas::train
