// `xmas trajectories`: for every chosen checkpoint of a proxy run and every
// example, the top-k singular values of its cross-modal matrix (and any other
// requested feature), into a feature store (store.h):
//
//   OUT/manifest.json, ids.txt, valid.npy          (store.h)
//   OUT/svd/checkpoint-<step>.npy    [N, k]        singular values, descending
//   OUT/loss/checkpoint-<step>.npy   [N]           mean answer NLL   (--features loss)
//   OUT/el2n/checkpoint-<step>.npy   [N]           EL2N              (--features el2n)
//   OUT/embed.npy, coincide_image.npy, coincide_text.npy   [N, D]   (embed; at embed_step)
//   OUT/image_embed.npy, text_embed.npy                    [N, D]   (clip; at embed_step)
//   OUT/progress.json                finished checkpoints (resume)
//
// Rows are the dataset's records in order (a shard: its contiguous part).
// Text-only records (and records with no text after the image) have
// valid = 0 and all-zero singular values; they never get a made-up value.
//
// Resumable: a finished checkpoint is skipped; a checkpoint cut short is
// recomputed (resume_state.h). The vision tower's features are computed once
// and reused while its weights hash the same (vision_cache.h).
#pragma once

#include <cstdint>
#include <vector>

#include "xmas/traj/extract_options.h"
#include "xmas/util/status.h"

namespace xmas::traj {

struct CheckpointTiming {
  int64_t step = 0;
  int64_t examples = 0;
  double seconds = 0;
  bool skipped = false;  // already finished (resume)
  double examples_per_second() const { return seconds > 0 ? examples / seconds : 0; }
};

struct ExtractSummary {
  std::vector<CheckpointTiming> checkpoints;
  int64_t vision_encodes = 0;  // images pushed through the vision tower
};

Result<ExtractSummary> ExtractTrajectories(const ExtractOptions& options);

}  // namespace xmas::traj
