#include "xmas/dist/env.h"

#include <cstdlib>
#include <limits>

namespace xmas::dist {
namespace {

// Parses `name` as an integer in [low, high]; `fallback` when unset.
Result<int> IntVar(const EnvLookup& env, const std::string& name, int low, int high, int fallback) {
  const auto value = env(name);
  if (!value) return fallback;
  const std::string& text = *value;
  char* end = nullptr;
  const long v = text.empty() ? 0 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < low || v > high) {
    return Status::Usage("environment: " + name + ": expected an integer in [" + std::to_string(low) +
                         ", " + std::to_string(high) + "], got '" + text + "'");
  }
  return static_cast<int>(v);
}

struct Names {
  const char* rank;
  const char* size;
  const char* local_rank;
};
constexpr Names kTorchrun{"RANK", "WORLD_SIZE", "LOCAL_RANK"};
// SLURM_STEP_NUM_TASKS rather than SLURM_NTASKS: srun exports it to the tasks
// of a step, while an sbatch script itself (one process) has SLURM_NTASKS too.
constexpr Names kSlurm{"SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID"};

Status ReadRanks(const EnvLookup& env, const Names& names, WorldInfo* info) {
  constexpr int kMax = std::numeric_limits<int>::max();
  XMAS_ASSIGN_OR_RETURN(info->size, IntVar(env, names.size, 1, kMax, 1));
  XMAS_ASSIGN_OR_RETURN(info->rank, IntVar(env, names.rank, 0, info->size - 1, 0));
  XMAS_ASSIGN_OR_RETURN(info->local_rank, IntVar(env, names.local_rank, 0, kMax, 0));
  if (info->size > 1 && !env(names.rank)) {
    return Status::Usage(std::string("environment: ") + names.size + " is " +
                         std::to_string(info->size) + " but " + names.rank + " is not set");
  }
  return Status::Ok();
}

Status ReadRendezvous(const EnvLookup& env, WorldInfo* info) {
  XMAS_ASSIGN_OR_RETURN(info->master_port, IntVar(env, "MASTER_PORT", 1, 65535, kDefaultMasterPort));
  if (auto addr = env("MASTER_ADDR"); addr && !addr->empty()) {
    info->master_addr = *addr;
  } else if (info->launcher == "slurm" && env("SLURM_NNODES").value_or("") == "1") {
    info->master_addr = "127.0.0.1";
  } else {
    return Status::Usage("environment: MASTER_ADDR: not set (the host of rank 0, reachable by every rank)");
  }
  info->agent_store = env("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
  XMAS_ASSIGN_OR_RETURN(info->restart_count,
                        IntVar(env, "TORCHELASTIC_RESTART_COUNT", 0, std::numeric_limits<int>::max(), 0));
  info->gloo_interfaces = env("GLOO_SOCKET_IFNAME").value_or("");
  XMAS_ASSIGN_OR_RETURN(info->timeout_seconds,
                        IntVar(env, "XMAS_DIST_TIMEOUT", 1, std::numeric_limits<int>::max(), 1800));
  return Status::Ok();
}

}  // namespace

std::string WorldInfo::ToString() const {
  std::string s = "rank " + std::to_string(rank) + " of " + std::to_string(size) + " (local " +
                  std::to_string(local_rank) + ", " + launcher;
  if (distributed()) s += ", master " + master_addr + ":" + std::to_string(master_port);
  return s + ")";
}

Result<WorldInfo> WorldInfoFromEnv(const EnvLookup& env) {
  WorldInfo info;
  if (env("WORLD_SIZE") || env("RANK")) {
    info.launcher = "torchrun";
    XMAS_RETURN_IF_ERROR(ReadRanks(env, kTorchrun, &info));
  } else if (env("SLURM_STEP_NUM_TASKS") && env("SLURM_PROCID")) {
    info.launcher = "slurm";
    XMAS_RETURN_IF_ERROR(ReadRanks(env, kSlurm, &info));
  }
  if (!info.distributed()) return info;
  XMAS_RETURN_IF_ERROR(ReadRendezvous(env, &info));
  return info;
}

Result<WorldInfo> WorldInfoFromEnv() {
  return WorldInfoFromEnv([](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

}  // namespace xmas::dist
