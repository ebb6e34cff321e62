#include "xmas/util/file_names.h"

#include <algorithm>

namespace xmas::files {
namespace {

// DIR/NAME as every caller assembled it before (no normalisation: a path in
// a message or a cache key stays what it was).
std::string Join(const std::string& dir, const std::string& name) { return dir + "/" + name; }

}  // namespace

std::string CheckpointName(int64_t step) { return kCheckpointPrefix + std::to_string(step); }

int64_t CheckpointStep(std::string_view name) {
  const std::string_view prefix = kCheckpointPrefix;
  if (name.substr(0, prefix.size()) != prefix || name.size() == prefix.size() ||
      name.size() > prefix.size() + 18) {
    return -1;
  }
  const std::string_view digits = name.substr(prefix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return -1;
  int64_t step = 0;
  for (char c : digits) step = step * 10 + (c - '0');
  return step;
}

std::string CheckpointDir(const std::string& run, int64_t step) { return Join(run, CheckpointName(step)); }
std::string FinalDir(const std::string& run) { return Join(run, kFinal); }
std::string ModelConfigPath(const std::string& model_dir) { return Join(model_dir, kModelConfig); }
std::string ModelWeightsPath(const std::string& model_dir) { return Join(model_dir, kModelWeights); }
std::string TokenizerPath(const std::string& dir) { return Join(dir, kTokenizer); }
std::string HfTokenizerPath(const std::string& dir) { return Join(dir, kHfTokenizer); }
std::string HfTokenizerConfigPath(const std::string& dir) { return Join(dir, kHfTokenizerConfig); }
std::string TrainerStatePath(const std::string& checkpoint_dir) { return Join(checkpoint_dir, kTrainerState); }
std::string ManifestPath(const std::string& dir) { return Join(dir, kManifest); }

DemoDataPaths DemoData(const std::string& dir) {
  return {Join(dir, kDemoTrain), Join(dir, kDemoPretrain), Join(dir, kTruth), Join(dir, kDemoImages),
          Join(dir, kDemoBench)};
}
std::string DemoBenchRelative(const std::string& name) { return Join(kDemoBench, name + ".json"); }
std::string DemoBenchPath(const std::string& dir, const std::string& name) {
  return Join(dir, DemoBenchRelative(name));
}
std::string ExperimentConfigPath(const std::string& out_dir) { return Join(out_dir, kExperimentConfig); }

std::string OfficialSvdFile(int64_t step, int64_t top_k) {
  return CheckpointName(step) + "_attn_svd_partial_vals_top" + std::to_string(top_k) + ".json";
}

std::string OfficialLossFile(int64_t step) { return CheckpointName(step) + "_loss.json"; }

std::string OfficialClusterFile(const std::string& metric) { return metric + "_cluster_idxs.json"; }

std::string OfficialStabilityFile(const std::string& metric, int top_k) {
  return metric + "_stability_vals_top-" + std::to_string(top_k) + "_singular_vals.json";
}

}  // namespace xmas::files
