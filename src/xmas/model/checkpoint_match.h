// Which safetensors files make up a checkpoint, and whether their tensors
// are exactly the parameters a config builds (names and shapes), checked
// from the headers alone: no libtorch, nothing loaded, any model size.
// LoadWeights (weights.h) runs this before reading any data, so a
// checkpoint loads completely or not at all.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "xmas/model/config.h"
#include "xmas/model/safetensors.h"
#include "xmas/util/status.h"

namespace xmas::model {

// The safetensors files behind `path`: a file, or a directory's
// model.safetensors, or else the shards its model.safetensors.index.json
// names (each in the directory).
struct WeightFileSet {
  std::vector<std::string> files;
  std::set<std::string> indexed;  // tensor names the index lists (empty without one)
  std::string index_path;         // "" without an index
};
Result<WeightFileSet> FindWeightFiles(const std::string& path);

// Newer transformers (>= 4.52 / 5) layout -> the classic
// LlavaForConditionalGeneration names ("model.language_model.X" ->
// "language_model.model.X", "lm_head.X" -> "language_model.lm_head.X", ...).
std::string ClassicName(const std::string& name);

// A checkpoint tensor's name in `layout` -> the model's parameter name (HF
// llava classic): ClassicName for kHfLlava; for kLlavaFlat
// "model.mm_projector.0." -> "multi_modal_projector.linear_1.",
// "model.vision_tower.vision_tower." -> "vision_tower.", "model." ->
// "language_model.model."; for kTinyLlava "connector._connector.{0,2}." ->
// the projector, "vision_tower._vision_tower." -> "vision_tower.". Names
// no rule covers are returned as they are (and then reported as extras).
std::string LayoutTensorName(CheckpointLayout layout, const std::string& name);

// Non-parameter buffers some checkpoints carry (CLIP's ".position_ids",
// ".rotary_emb.inv_freq"): derived from the config, skipped on load.
bool IsKnownBuffer(const std::string& name);

// True when `prefixes` is empty or `name` starts with one of them.
bool Selected(const std::string& name, const std::vector<std::string>& prefixes);

struct CheckpointMatch {
  std::vector<SafetensorsHeader> headers;  // one per file
  int64_t matched = 0;                     // parameters found with the right shape
  std::vector<std::string> buffers;        // known buffers skipped (file names)
};

// Checks the checkpoint at `path` against ParameterShapes(config), limited
// to parameters under `prefixes` (empty = all; file tensors outside them are
// ignored). Every selected file tensor must be a parameter and every
// selected parameter must be in the files, once, with its shape; an index
// entry must be in a shard. Else one line:
//   "PATH: checkpoint does not match the model (assumed llava: ... + qwen2
//    decoder (Qwen2ForCausalLM)): 2 checkpoint tensor(s) the model does not
//    have: 'a', 'b'; 1 parameter(s) missing from the checkpoint: 'c'"
Result<CheckpointMatch> MatchCheckpoint(const ModelConfig& config, const std::string& path,
                                        const std::vector<std::string>& prefixes = {});

}  // namespace xmas::model
