// progress.json: which checkpoints of an extraction are finished, so an
// interrupted `xmas trajectories` continues where it stopped.
//
// A checkpoint's feature files are each written atomically and only then is
// its step added here (this file is itself replaced atomically), so a step
// listed here is complete and a half-written one is never listed: it is
// simply computed again. The settings that shape the values are stored too;
// resuming with different ones is refused (the store would mix two
// extractions).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "xmas/util/status.h"

namespace xmas::traj {

struct ResumeState {
  nlohmann::json settings = nlohmann::json::object();
  std::set<int64_t> finished;   // steps whose per-checkpoint files are complete
  bool static_done = false;     // static features (embed, clip) written
};

constexpr char kResumeFile[] = "progress.json";

// Reads DIR/progress.json; NotFound when absent.
Result<ResumeState> ReadResumeState(const std::string& dir);
Status WriteResumeState(const std::string& dir, const ResumeState& state);

// OK when `saved` and `wanted` agree on every field except those in
// `ignored`; otherwise a usage error naming the first differing field.
Status CheckSameSettings(const nlohmann::json& saved, const nlohmann::json& wanted,
                         const std::set<std::string>& ignored, const std::string& where);

}  // namespace xmas::traj
