// trainer_state.json: everything besides weights and optimizer moments that a
// resumed run needs to continue exactly where the saved one stopped.
//
// The data order is not stored: it is recomputed from (seed, epoch) by
// EpochBatches (sampler.h), so the position (epoch, batch_in_epoch) suffices.
// The settings that shape the order and the schedule are stored too, and a
// resume with different ones is refused (it could not reproduce the run).
//
// Data parallelism: the position and batch_size are the whole job's (global
// micro-batches of batch_size = per-process batch x world size), never one
// rank's, so a run saved by N processes resumes with M processes whose
// per-process batch gives the same global batch (e.g. 2 x 2 -> 1 x 4).
#pragma once

#include <cstdint>
#include <string>

#include "xmas/util/status.h"

namespace xmas::train {

struct TrainerState {
  // Progress.
  int64_t global_step = 0;     // optimizer updates done
  int64_t epoch = 0;           // epoch of the next micro-batch (0-based)
  int64_t batch_in_epoch = 0;  // global micro-batches of `epoch` already consumed
  int64_t samples_in_epoch = 0;  // examples of `epoch` already consumed (all ranks)
  int64_t tokens = 0;          // cumulative non-padding input tokens
  double seconds = 0;          // cumulative training wall time
  double last_loss = 0;

  // Settings a resume must share (checked by CheckCompatible).
  int64_t total_steps = 0;
  int64_t warmup_steps = 0;
  double learning_rate = 0;
  uint64_t seed = 0;
  int64_t batch_size = 0;      // global micro-batch: per-process batch x world_size
  int64_t grad_accum = 0;
  int64_t num_examples = 0;
  std::string stage;      // "pretrain" or "finetune"
  std::string trainable;  // e.g. "connector,llm"

  // Informational (a resume may differ).
  int64_t world_size = 1;  // processes that trained the saved steps
};

Status WriteTrainerState(const std::string& path, const TrainerState& state);
Result<TrainerState> ReadTrainerState(const std::string& path);

// OK if `saved` (from a checkpoint) and `wanted` (this invocation) agree on
// every setting; otherwise a usage error naming the first differing field.
Status CheckCompatible(const TrainerState& saved, const TrainerState& wanted,
                       const std::string& checkpoint);

}  // namespace xmas::train
