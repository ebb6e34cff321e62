// trainer_state.json: everything besides weights and optimizer moments that a
// resumed run needs to continue exactly where the saved one stopped.
//
// The data order is not stored: it is recomputed from (seed, epoch) by
// EpochBatches (sampler.h), so the position (epoch, batch_in_epoch) suffices.
// The settings that shape the order and the schedule are stored too, and a
// resume with different ones is refused (it could not reproduce the run).
#pragma once

#include <cstdint>
#include <string>

#include "xmas/util/status.h"

namespace xmas::train {

struct TrainerState {
  // Progress.
  int64_t global_step = 0;     // optimizer updates done
  int64_t epoch = 0;           // epoch of the next micro-batch (0-based)
  int64_t batch_in_epoch = 0;  // micro-batches of `epoch` already consumed
  int64_t tokens = 0;          // cumulative non-padding input tokens
  double seconds = 0;          // cumulative training wall time
  double last_loss = 0;

  // Settings a resume must share (checked by CheckCompatible).
  int64_t total_steps = 0;
  int64_t warmup_steps = 0;
  double learning_rate = 0;
  uint64_t seed = 0;
  int64_t batch_size = 0;
  int64_t grad_accum = 0;
  int64_t num_examples = 0;
  std::string stage;      // "pretrain" or "finetune"
  std::string trainable;  // e.g. "connector,llm"
};

Status WriteTrainerState(const std::string& path, const TrainerState& state);
Result<TrainerState> ReadTrainerState(const std::string& path);

// OK if `saved` (from a checkpoint) and `wanted` (this invocation) agree on
// every setting; otherwise a usage error naming the first differing field.
Status CheckCompatible(const TrainerState& saved, const TrainerState& wanted,
                       const std::string& checkpoint);

}  // namespace xmas::train
