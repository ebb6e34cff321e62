// The names of the files and folders xmas writes and reads by convention, in
// one place (after LevelDB's db/filename.h): no other file spells them, and
// paths are assembled here rather than by hand.
//
//   RUN/                          a training run (train/)
//     checkpoint-<step>/          a model folder + optimizer.pt + trainer_state.json
//     final/                      a model folder + trainer_state.json
//     metrics.jsonl train_args.json tokenizer.model
//   MODEL/                        a model folder (model/, eval/, traj/)
//     config.json model.safetensors (or model-*.safetensors shards) tokenizer.model
//   STORE/manifest.json ...       the feature store (store/store.h lists the rest)
//   DEMO/                         xmas demo-data (demodata/; read by experiment/)
//     train.json pretrain.json truth.json manifest.json images/ bench/<name>.json
//   EXPERIMENT/config.json        the config an experiment ran with (experiment/)
//   The authors' trajectory files (the official scripts' names, read by
//   select/official_json.cpp, written by traj/export_official.cpp):
//     checkpoint-<step>_attn_svd_partial_vals_top<k>.json  (or _full_)
//     checkpoint-<step>_loss.json
//     <metric>_cluster_idxs.json  <metric>_stability_vals_top-<k>_singular_vals.json
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xmas::files {

// ---- a training run -------------------------------------------------------
inline constexpr char kCheckpointPrefix[] = "checkpoint-";
inline constexpr char kFinal[] = "final";                    // the weights after the last step
inline constexpr char kTrainerState[] = "trainer_state.json";
inline constexpr char kOptimizer[] = "optimizer.pt";
inline constexpr char kMetricsLog[] = "metrics.jsonl";
inline constexpr char kTrainArgs[] = "train_args.json";

// "checkpoint-<step>".
std::string CheckpointName(int64_t step);
// The step of a "checkpoint-<digits>" name (at most 18 digits); -1 otherwise.
int64_t CheckpointStep(std::string_view name);
// RUN/checkpoint-<step>, RUN/final.
std::string CheckpointDir(const std::string& run, int64_t step);
std::string FinalDir(const std::string& run);

// ---- a model folder -------------------------------------------------------
inline constexpr char kModelConfig[] = "config.json";
inline constexpr char kModelWeights[] = "model.safetensors";
inline constexpr char kModelWeightsIndex[] = "model.safetensors.index.json";  // sharded weights
inline constexpr char kWeightsExtension[] = ".safetensors";  // shards: model-00001-of-00002.safetensors
inline constexpr char kTokenizer[] = "tokenizer.model";             // SentencePiece
inline constexpr char kHfTokenizer[] = "tokenizer.json";             // HF tokenizers (byte-level BPE)
inline constexpr char kHfTokenizerConfig[] = "tokenizer_config.json";  // beside it: BOS/EOS/pad

std::string ModelConfigPath(const std::string& model_dir);
std::string ModelWeightsPath(const std::string& model_dir);
// DIR/tokenizer.model (a model folder, a run, an experiment).
std::string TokenizerPath(const std::string& dir);
// DIR/tokenizer.json, DIR/tokenizer_config.json.
std::string HfTokenizerPath(const std::string& dir);
std::string HfTokenizerConfigPath(const std::string& dir);
std::string TrainerStatePath(const std::string& checkpoint_dir);

// ---- the feature store and the demo data ------------------------------------
inline constexpr char kManifest[] = "manifest.json";
std::string ManifestPath(const std::string& dir);

// ---- the demo data -----------------------------------------------------------
inline constexpr char kDemoTrain[] = "train.json";
inline constexpr char kDemoPretrain[] = "pretrain.json";
inline constexpr char kTruth[] = "truth.json";  // per record: source, task, duplicate group, noise
inline constexpr char kDemoImages[] = "images";
inline constexpr char kDemoBench[] = "bench";
// DEMO/train.json, DEMO/pretrain.json, DEMO/truth.json, DEMO/images, DEMO/bench.
struct DemoDataPaths {
  std::string train, pretrain, truth, images, bench;
};
DemoDataPaths DemoData(const std::string& dir);
// DEMO/bench/<name>.json and the same relative to DEMO (the manifest's spelling).
std::string DemoBenchPath(const std::string& dir, const std::string& name);
std::string DemoBenchRelative(const std::string& name);

// ---- an experiment ------------------------------------------------------------
inline constexpr char kExperimentConfig[] = "config.json";
std::string ExperimentConfigPath(const std::string& out_dir);

// ---- the authors' files ---------------------------------------------------
// "checkpoint-<step>_attn_svd_partial_vals_top<k>.json".
std::string OfficialSvdFile(int64_t step, int64_t top_k);
// "checkpoint-<step>_loss.json".
std::string OfficialLossFile(int64_t step);
// ECMAScript patterns of those names for std::regex_match: groups step,
// partial|full, k (svd) and step (loss).
inline constexpr char kOfficialSvdRegex[] = R"(checkpoint-(\d+)_attn_svd_(partial|full)_vals_top(\d+)\.json)";
inline constexpr char kOfficialLossRegex[] = R"(checkpoint-(\d+)_loss\.json)";
// The same for messages.
inline constexpr char kOfficialSvdPattern[] = "checkpoint-<step>_attn_svd_<partial|full>_vals_top<k>.json";
inline constexpr char kOfficialLossPattern[] = "checkpoint-<step>_loss.json";
// "<metric>_cluster_idxs.json", "<metric>_stability_vals_top-<k>_singular_vals.json".
std::string OfficialClusterFile(const std::string& metric);
std::string OfficialStabilityFile(const std::string& metric, int top_k);

}  // namespace xmas::files
