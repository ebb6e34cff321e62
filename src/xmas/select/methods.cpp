#include "xmas/select/methods.h"

#include <algorithm>

namespace xmas::select {

// The entry points, each defined in its own file (docs/method.md describes
// every method).
Result<Selection> SelectByTrajectories(const MethodInput& in, bool loss);  // trajectory_method.cpp
Result<Selection> SelectRandom(const MethodInput& in);                     // baselines.cpp
Result<Selection> SelectEl2n(const MethodInput& in);                       // baselines.cpp
Result<Selection> SelectPerplexity(const MethodInput& in);                 // baselines.cpp
Result<Selection> SelectClipScore(const MethodInput& in);                  // baselines.cpp
Result<Selection> SelectSemDeDup(const MethodInput& in);                   // baseline_semdedup.cpp
Result<Selection> SelectD2Pruning(const MethodInput& in);                  // baseline_d2.cpp
Result<Selection> SelectCoincide(const MethodInput& in);                   // baseline_coincide.cpp
Result<Selection> SelectTruthControl(const MethodInput& in);               // controls.cpp

const std::vector<Method>& Methods() {
  static const std::vector<Method> table = {
      {"xmas", "cross-modal attention trajectories (length regressed out), k-means, copies skipped, stratified by stability",
       "svd", "attn_svd", false,
       [](const MethodInput& in) { return SelectByTrajectories(in, false); }},
      {"random", "a seeded uniform sample", "", nullptr, true, SelectRandom},
      {"s2l", "loss trajectories, k-means, random inside clusters", "loss", "loss", false,
       [](const MethodInput& in) { return SelectByTrajectories(in, true); }},
      {"el2n", "a band of the EL2N scores (default: the highest)", "el2n", nullptr, false, SelectEl2n},
      {"perplexity", "a band of the perplexities (default: the middle)", "loss", nullptr, false, SelectPerplexity},
      {"clip-score", "a band of the image-text cosines (default: the best aligned)", "clip", nullptr, false,
       SelectClipScore},
      {"semdedup", "embedding near-duplicates removed inside k-means clusters", "embed", nullptr, false,
       SelectSemDeDup},
      {"d2-pruning", "message passing on a kNN graph of the embeddings", "el2n,embed", nullptr, false,
       SelectD2Pruning},
      {"coincide", "cluster quotas by transferability and density, MMD prototypes", "embed", nullptr, false,
       SelectCoincide},
      {"oracle", "control (needs --truth): clean, one per duplicate group, task-balanced", "", nullptr, false,
       SelectTruthControl},
      {"anti", "control (needs --truth): duplicates and noisy records first", "", nullptr, false,
       SelectTruthControl},
  };
  return table;
}

const Method* FindMethod(const std::string& name) {
  for (const Method& m : Methods()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

Result<const Method*> LookUpMethod(const std::string& name, const std::string& what) {
  if (const Method* m = FindMethod(name)) return m;
  std::string expected;
  for (const std::string& n : MethodNames()) expected += (expected.empty() ? "" : ", ") + n;
  return Status::Usage(what + " '" + name + "': unknown method (expected: " + expected + ")");
}

const std::vector<std::string>& MethodNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Method& m : Methods()) out.push_back(m.name);
    return out;
  }();
  return names;
}

std::string MethodHelp() {
  std::string out;
  for (const Method& m : Methods()) out += std::string(out.empty() ? "" : "\n") + m.name + ": " + m.help;
  return out;
}

std::string FeaturesForMethods(const std::vector<std::string>& methods) {
  std::vector<std::string> features;
  for (const std::string& name : methods) {
    const Method* m = FindMethod(name);
    std::string list = m != nullptr ? m->features : "";
    for (size_t start = 0; start < list.size();) {
      const size_t end = std::min(list.find(',', start), list.size());
      const std::string f = list.substr(start, end - start);
      if (std::find(features.begin(), features.end(), f) == features.end()) features.push_back(f);
      start = end + 1;
    }
  }
  std::string out;
  for (const auto& f : features) out += (out.empty() ? "" : ",") + f;
  return out;
}

}  // namespace xmas::select
