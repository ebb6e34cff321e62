// Checkpoint directories of a run, written atomically.
//
//   RUN/checkpoint-<step>/   model.safetensors, config.json, optimizer.pt,
//                            trainer_state.json (see trainer_state.h)
//   RUN/final/               the weights after the last step
//
// A directory is filled under a hidden temporary name in RUN and renamed into
// place only once complete, so a crash mid-save never leaves a checkpoint that
// looks valid but is truncated; LatestCheckpoint ignores the temporaries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "xmas/util/file_names.h"
#include "xmas/util/status.h"

namespace xmas::train {

// "checkpoint-<step>" (util/file_names.h owns the run's names).
using files::CheckpointName;

// Creates a temporary directory beside `dir`, calls fill(temp_dir), and on
// success renames it to `dir` (replacing an existing `dir`). On failure the
// temporary is removed and `dir` is left as it was.
Status WriteDirAtomic(const std::string& dir,
                      const std::function<Status(const std::string& temp_dir)>& fill);

// Steps of the complete checkpoint-<step> directories in `run_dir` (those
// holding trainer_state.json), ascending. Missing run_dir gives none.
std::vector<int64_t> ListCheckpoints(const std::string& run_dir);

// The path of the highest-step checkpoint; NotFound naming run_dir if none.
Result<std::string> LatestCheckpoint(const std::string& run_dir);

// Deals with what a killed process (one no longer running) left half-done in
// run_dir: a hidden ".<name>.tmp-new-<pid>-<n>" directory is removed; a
// ".<name>.tmp-old-<pid>-<n>" one is renamed back to <name> when the process
// died between moving <name> aside and putting its replacement in place, and
// removed otherwise. Called before --resume reads the latest checkpoint.
Status RecoverInterruptedWrites(const std::string& run_dir);

// Removes what an earlier training run left in run_dir (checkpoint-*, final,
// metrics.jsonl, tokenizer.model, temporaries) for --overwrite; leaves any
// other file alone.
Status ClearRunOutputs(const std::string& run_dir);

}  // namespace xmas::train
