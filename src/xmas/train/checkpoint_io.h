// Saving and restoring a training checkpoint: weights (safetensors in the HF
// layout, loadable by model::LoadModel), config.json, the tokenizer, the
// AdamW moments (optimizer.pt, libtorch's own serialisation) and
// trainer_state.json. Each directory is written atomically (checkpoint_dir.h).
//
// Restoring puts back exactly the bits that were saved (float32 weights and
// moments), which is what makes a resumed run reproduce an uninterrupted one.
#pragma once

#include <string>

#include <torch/torch.h>

#include "xmas/model/model.h"
#include "xmas/train/trainer_state.h"
#include "xmas/util/file_names.h"
#include "xmas/util/status.h"

namespace xmas::train {

struct CheckpointFiles {
  static constexpr const char* kOptimizer = files::kOptimizer;
  static constexpr const char* kState = files::kTrainerState;
  static constexpr const char* kTokenizer = files::kTokenizer;
};

// Writes `dir` (replacing it) with everything above. `optimizer` may be null
// (RUN/final keeps weights, tokenizer and state only).
Status SaveCheckpoint(const std::string& dir, const model::Model& model,
                      const torch::optim::Optimizer* optimizer, const TrainerState& state,
                      const std::string& tokenizer_path);

// Loads weights, optimizer moments and state from `dir` into an already
// built model and optimizer (over the same parameters, in the same order).
Result<TrainerState> RestoreCheckpoint(const std::string& dir, model::Model& model,
                                       torch::optim::Optimizer& optimizer);

}  // namespace xmas::train
