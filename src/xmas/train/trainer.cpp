// Trainer: the step and the loop (set-up lives in trainer_setup.cpp).
#include "xmas/train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "xmas/dist/collectives.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/checkpoint_io.h"
#include "xmas/train/trainer_impl.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::train {

const std::vector<std::vector<size_t>>& Trainer::EpochOrder(int64_t epoch) {
  if (impl_->order_epoch != epoch) {
    impl_->order = EpochBatches(source_->lengths(), source_->has_image(), impl_->sampler, epoch);
    impl_->order_epoch = epoch;
  }
  return impl_->order;
}

bool Trainer::finished() const { return state_.global_step >= state_.total_steps; }

namespace {

void SetLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

// Forward + backward of this rank's slice of one micro-batch (`batch`; null
// when the slice is empty). The micro-batch's loss is the mean over all its
// labelled tokens, on every rank together: each rank weighs its own mean by
// its share of those tokens, so the gradients summed over the ranks equal one
// process's. Returns this rank's term of the micro-batch loss (alone: the loss).
Result<double> ForwardBackward(model::Model& model, dist::World& world, const model::Batch* batch,
                               double scale) {
  torch::Tensor loss;
  double count = 0;
  if (batch != nullptr) {
    XMAS_ASSIGN_OR_RETURN(auto out, model.Forward(*batch));
    if (!out.loss.defined()) return Status::Internal("the model returned no loss for a labelled batch");
    loss = out.loss;
    count = static_cast<double>(out.token_count.sum().item<int64_t>());
  }
  XMAS_ASSIGN_OR_RETURN(auto total, dist::SumOverRanks(world, {count}));
  if (!loss.defined()) return 0.0;
  const double share = total[0] > 0 ? count / total[0] : (world.size() == 1 ? 1.0 : 0.0);
  (loss * (scale * share)).backward();
  return loss.item<double>() * share;
}

}  // namespace

Result<StepStats> Trainer::Step() {
  if (finished()) return Status::Internal("Step() called after the last step");
  const auto start = std::chrono::steady_clock::now();
  const auto& order = EpochOrder(state_.epoch);
  const int64_t n = std::min<int64_t>(options_.grad_accum,
                                      static_cast<int64_t>(order.size()) - state_.batch_in_epoch);
  StepStats stats;
  stats.step = state_.global_step + 1;
  stats.lr = schedule_.LearningRate(state_.global_step);
  dist::World& world = *impl_->world;
  double loss_sum = 0;
  int64_t samples = 0;
  try {
    impl_->optimizer->zero_grad();
    for (int64_t k = 0; k < n; ++k) {
      const auto& global = order[static_cast<size_t>(state_.batch_in_epoch + k)];
      const auto indices = RankSlice(global, world.rank(), options_.batch_size);
      samples += static_cast<int64_t>(global.size());
      std::optional<model::Batch> batch;
      if (!indices.empty()) {
        XMAS_ASSIGN_OR_RETURN(batch, source_->MakeBatch(indices));
        if (model_->device() != torch::kCPU) batch = batch->To(model_->device());
      }
      XMAS_ASSIGN_OR_RETURN(double loss, ForwardBackward(*model_, world, batch ? &*batch : nullptr,
                                                         1.0 / static_cast<double>(n)));
      loss_sum += loss;
      for (size_t i : indices) stats.tokens += source_->lengths()[i];
    }
    XMAS_RETURN_IF_ERROR(dist::AllReduceGradients(world, impl_->params));
    XMAS_ASSIGN_OR_RETURN(auto sums, dist::SumOverRanks(world, {loss_sum, static_cast<double>(stats.tokens)}));
    loss_sum = sums[0];
    stats.tokens = static_cast<int64_t>(sums[1]);
    const double max_norm = options_.max_grad_norm > 0 ? options_.max_grad_norm
                                                       : std::numeric_limits<double>::infinity();
    stats.grad_norm = torch::nn::utils::clip_grad_norm_(impl_->params, max_norm);
    SetLearningRate(*impl_->optimizer, stats.lr);
    impl_->optimizer->step();
  } catch (const c10::Error& e) {
    return Status::Internal("step " + std::to_string(stats.step) + ": " + e.what_without_backtrace());
  }
  stats.loss = loss_sum / static_cast<double>(n);
  if (!std::isfinite(stats.loss)) {
    return Status::Internal("step " + std::to_string(stats.step) + ": the loss is not finite (" +
                            std::to_string(stats.loss) + "); lower --lr?");
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  state_.global_step = stats.step;
  state_.batch_in_epoch += n;
  state_.samples_in_epoch += samples;
  if (state_.batch_in_epoch >= static_cast<int64_t>(order.size())) {
    ++state_.epoch;
    state_.batch_in_epoch = 0;
    state_.samples_in_epoch = 0;
  }
  state_.tokens += stats.tokens;
  state_.seconds += stats.seconds;
  state_.last_loss = stats.loss;
  return stats;
}

// Rank 0 writes; every rank returns its status (the others wait for it).
Status Trainer::Save(const std::string& dir, bool with_optimizer) {
  Status saved = Status::Ok();
  if (impl_->world->is_main()) {
    saved = SaveCheckpoint(dir, *model_, with_optimizer ? impl_->optimizer.get() : nullptr, state_,
                           impl_->tokenizer_path);
  }
  return impl_->world->AgreeOk(saved);
}

Status Trainer::Run() {
  Progress bar("train", static_cast<uint64_t>(state_.total_steps), "step");
  bar.Set(static_cast<uint64_t>(state_.global_step));
  int64_t steps = 0, tokens = 0;
  double seconds = 0;
  while (!finished()) {
    if (options_.stop_after_steps > 0 && steps >= options_.stop_after_steps) {
      log::Info("stopping after ", steps, " steps as asked (step ", state_.global_step, ")");
      return Status::Ok();
    }
    XMAS_ASSIGN_OR_RETURN(auto s, Step());
    ++steps;
    tokens += s.tokens;
    seconds += s.seconds;
    if (impl_->world->is_main()) {
      XMAS_RETURN_IF_ERROR(impl_->metrics.Append(
          {s.step, state_.epoch, s.loss, s.lr, s.grad_norm, state_.tokens, state_.seconds}));
    }
    char postfix[96];
    std::snprintf(postfix, sizeof postfix, "loss %.4f lr %.2e tok/s %.0f", s.loss, s.lr,
                  seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0);
    bar.SetPostfix(postfix);
    bar.Set(static_cast<uint64_t>(s.step));
    if (options_.save_every > 0 && s.step % options_.save_every == 0) {
      XMAS_RETURN_IF_ERROR(Save(files::CheckpointDir(options_.out, s.step), /*with_optimizer=*/true));
    }
  }
  bar.Finish();
  XMAS_RETURN_IF_ERROR(Save(files::FinalDir(options_.out), /*with_optimizer=*/false));
  log::Info("trained ", state_.global_step, " steps; ", state_.tokens, " tokens in ",
            FormatDuration(state_.seconds), " (", seconds > 0 ? tokens / seconds : 0.0,
            " tokens/s this run); weights in ", files::FinalDir(options_.out));
  return Status::Ok();
}

Status Train(const TrainOptions& options) {
  XMAS_ASSIGN_OR_RETURN(auto trainer, Trainer::Create(options));
  return trainer->Run();
}

}  // namespace xmas::train
