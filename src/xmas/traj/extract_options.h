// Everything `xmas trajectories` can be told, and the parsers of its list
// arguments (tools/xmas/cmd_trajectories.cpp does argument parsing only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/traj/cross_modal.h"
#include "xmas/traj/features.h"
#include "xmas/traj/singular_values.h"
#include "xmas/util/status.h"

namespace xmas::traj {

enum class LayerCombine { kSum, kMean };
Result<LayerCombine> ParseLayerCombine(const std::string& name);  // "sum" | "mean"
const char* LayerCombineName(LayerCombine combine);

struct ExtractOptions {
  // Inputs.
  std::string run;           // RUN directory with checkpoint-<step>/ folders (or checkpoints = DIR,DIR,...)
  std::string data;          // LLaVA JSON
  std::string image_folder;
  std::string checkpoints = "all";  // "all" | "200,400" | "A:B:STEP" | "DIR,DIR,..." (checkpoint_list.h)
  std::string tokenizer;     // empty: <checkpoint>/tokenizer.model, else RUN/tokenizer.model
  std::string template_name; // empty: from the checkpoint's stage (finetune: llava_v1)
  int64_t max_length = 0;    // 0: the config's max_position_embeddings

  // What to compute.
  CrossModalMode mode = CrossModalMode::kAttention;
  std::string layers = "all";        // decoder layers hooked for the matrix
  LayerCombine combine = LayerCombine::kSum;
  int64_t top_k = 5;
  SvdMethod svd = SvdMethod::kExact;
  uint64_t seed = 0;                 // randomized SVD sketch
  FeatureSet features;               // default: svd only
  std::string embed_layers = "auto"; // "auto" (<= 4 spread layers) | "all" | list
  int64_t embed_step = -1;           // checkpoint for static embed/clip; -1: the last

  // How.
  int64_t batch_size = 8;
  int shard_index = 0, shard_count = 1;
  std::string device = "cpu";
  std::string dtype = "float32";
  int64_t threads = 0;               // torch intra-op threads; 0: leave as is
  size_t vision_cache_bytes = size_t{2} << 30;

  // Outputs.
  std::string out;
  bool overwrite = false;            // start over in a non-empty --out
  std::string export_official;       // also write the authors' JSON files here
};

// Steps chosen from `available` (ascending). "all"; a comma list of steps;
// or "A:B:STEP" = A, A+STEP, ... <= B. A requested step that is not available
// is a usage error naming it.
Result<std::vector<int64_t>> ParseCheckpointSpec(const std::string& spec,
                                                 const std::vector<int64_t>& available);

// Decoder layers: "all" or a comma list (negative counts from the end),
// resolved against `num_layers`, sorted, duplicates removed. `option` names
// the flag in errors. "auto" gives up to 4 layers spread over the depth.
Result<std::vector<int64_t>> ParseLayerSpec(const std::string& spec, int64_t num_layers,
                                            const std::string& option);

// "I/N" with 0 <= I < N.
Status ParseShard(const std::string& spec, int* index, int* count);

}  // namespace xmas::traj
