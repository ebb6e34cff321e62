// Which checkpoint folders an extraction reads (--run / --checkpoints):
//   --run RUN --checkpoints all | 200,400 | A:B:STEP
//       RUN/checkpoint-<step>/ folders holding a trainer_state.json (xmas's
//       own or the HF Trainer's);
//   --checkpoints DIR,DIR,...   (no --run needed)
//       the folders themselves, each a model folder; its step is the N of a
//       "checkpoint-N" name, else trainer_state.json's global_step (both
//       xmas and the HF Trainer write it). Steps must differ; the list is
//       sorted by step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::traj {

struct CheckpointList {
  std::vector<int64_t> steps;     // ascending
  std::vector<std::string> dirs;  // one per step
  bool explicit_dirs = false;     // given as --checkpoints DIR,DIR,...
};

// True when `spec` is a list of folders rather than steps: an item with a
// '/' or naming an existing folder.
bool IsCheckpointDirList(const std::string& spec);

Result<CheckpointList> ResolveCheckpoints(const std::string& run, const std::string& spec);

}  // namespace xmas::traj
