#include "xmas/traj/resume_state.h"

#include <filesystem>

#include "xmas/util/atomic_file.h"

namespace xmas::traj {

Result<ResumeState> ReadResumeState(const std::string& dir) {
  const std::string path = dir + "/" + kResumeFile;
  if (!std::filesystem::exists(path)) return Status::NotFound(path + ": no such file");
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ResumeState state;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    state.settings = j.at("settings");
    for (const auto& s : j.at("finished")) state.finished.insert(s.get<int64_t>());
    state.static_done = j.at("static_done").get<bool>();
  } catch (const std::exception& e) {
    return Status::InvalidInput(path + ": malformed (" + std::string(e.what()) + ")");
  }
  return state;
}

Status WriteResumeState(const std::string& dir, const ResumeState& state) {
  nlohmann::json j;
  j["settings"] = state.settings;
  j["finished"] = state.finished;
  j["static_done"] = state.static_done;
  return WriteFileAtomic(dir + "/" + kResumeFile, j.dump(2) + "\n");
}

Status CheckSameSettings(const nlohmann::json& saved, const nlohmann::json& wanted,
                         const std::set<std::string>& ignored, const std::string& where) {
  for (const auto& [key, value] : wanted.items()) {
    if (ignored.count(key)) continue;
    if (!saved.contains(key) || saved.at(key) != value) {
      return Status::Usage(where + ": setting '" + key + "' differs (saved " +
                           (saved.contains(key) ? saved.at(key).dump() : "nothing") + ", now " +
                           value.dump() + "); use another --out or --overwrite");
    }
  }
  for (const auto& [key, value] : saved.items()) {
    if (!ignored.count(key) && !wanted.contains(key)) {
      return Status::Usage(where + ": setting '" + key + "' differs (saved " + value.dump() +
                           ", now nothing); use another --out or --overwrite");
    }
  }
  return Status::Ok();
}

}  // namespace xmas::traj
