#include "xmas/traj/checkpoint_list.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xmas/traj/extract_options.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"

namespace xmas::traj {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> SplitList(const std::string& spec) {
  std::vector<std::string> items;
  std::stringstream in(spec);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// "checkpoint-N" in the folder name, else trainer_state.json's global_step.
Result<int64_t> StepOf(const std::string& dir) {
  const int64_t named = files::CheckpointStep(fs::path(dir).lexically_normal().filename().string());
  if (named >= 0) return named;
  const std::string state = files::TrainerStatePath(dir);
  auto text = ReadFile(state);
  if (!text.ok()) {
    return Status::Usage("--checkpoints: " + dir + ": cannot tell its step (name the folder checkpoint-<step> "
                         "or give it a trainer_state.json with global_step)");
  }
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("global_step") || !j["global_step"].is_number_integer() ||
      j["global_step"].get<int64_t>() < 0) {
    return Status::InvalidInput(state + ": field 'global_step': expected a non-negative integer");
  }
  return j["global_step"].get<int64_t>();
}

Result<CheckpointList> FromDirs(const std::string& spec) {
  std::map<int64_t, std::string> by_step;
  for (const auto& dir : SplitList(spec)) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Status::NotFound("--checkpoints: " + dir + ": no such folder");
    XMAS_ASSIGN_OR_RETURN(int64_t step, StepOf(dir));
    auto [it, fresh] = by_step.emplace(step, dir);
    if (!fresh) {
      return Status::Usage("--checkpoints: " + it->second + " and " + dir + " are both step " +
                           std::to_string(step));
    }
  }
  if (by_step.empty()) return Status::Usage("--checkpoints: empty list");
  CheckpointList list;
  list.explicit_dirs = true;
  for (const auto& [step, dir] : by_step) {
    list.steps.push_back(step);
    list.dirs.push_back(dir);
  }
  return list;
}

}  // namespace

bool IsCheckpointDirList(const std::string& spec) {
  for (const auto& item : SplitList(spec)) {
    std::error_code ec;
    if (item.find('/') != std::string::npos || fs::is_directory(item, ec)) return true;
  }
  return false;
}

Result<CheckpointList> ResolveCheckpoints(const std::string& run, const std::string& spec) {
  if (IsCheckpointDirList(spec)) {
    if (!run.empty()) return Status::Usage("--checkpoints DIR,DIR,...: give the folders without --run");
    return FromDirs(spec);
  }
  if (run.empty()) return Status::Usage("--run RUN (or --checkpoints DIR,DIR,...) is required");
  CheckpointList list;
  XMAS_ASSIGN_OR_RETURN(list.steps, ParseCheckpointSpec(spec, train::ListCheckpoints(run)));
  for (int64_t s : list.steps) list.dirs.push_back(files::CheckpointDir(run, s));
  return list;
}

}  // namespace xmas::traj
