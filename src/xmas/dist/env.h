// Where this process sits in a multi-process job, read from the launcher's
// environment: torchrun (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
// MASTER_PORT) first, else Slurm's srun (SLURM_PROCID, SLURM_STEP_NUM_TASKS,
// SLURM_LOCALID; srun's per-step count, so an sbatch script that runs xmas
// without srun stays one process). Neither: one process (rank 0 of 1).
//
// Why both: `torchrun --no-python ... xmas train` and `srun xmas train` are
// how clusters start jobs; xmas reads what they already export instead of
// adding flags that would have to agree with them.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "xmas/util/status.h"

namespace xmas::dist {

constexpr int kDefaultMasterPort = 29500;  // torchrun's default

struct WorldInfo {
  int rank = 0;
  int size = 1;
  int local_rank = 0;             // rank among the processes of this machine
  std::string master_addr;        // host of rank 0's TCPStore (size > 1)
  int master_port = kDefaultMasterPort;
  std::string launcher = "none";  // "torchrun", "slurm" or "none"
  // torchrun's elastic agent already serves the store at MASTER_ADDR:PORT
  // (TORCHELASTIC_USE_AGENT_STORE=True): every rank is a client and keys live
  // under "/worker/attempt_<restart_count>", as torch.distributed does.
  bool agent_store = false;
  int restart_count = 0;
  std::string gloo_interfaces;    // GLOO_SOCKET_IFNAME: comma list of NICs to bind
  // XMAS_DIST_TIMEOUT: how long rendezvous and each collective may wait for
  // the other ranks (torch.distributed's default, 30 minutes).
  int timeout_seconds = 1800;

  bool distributed() const { return size > 1; }
  // "rank 1 of 2 (local 1, torchrun, master 127.0.0.1:29500)".
  std::string ToString() const;
};

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the process environment.
Result<WorldInfo> WorldInfoFromEnv();
// Same over `env` (tests). Errors (usage) name the variable and its value:
// "environment: RANK: expected an integer in [0, 2), got '5'". MASTER_ADDR
// is required when size > 1, except under a one-node Slurm allocation
// (SLURM_NNODES=1), where it defaults to 127.0.0.1.
Result<WorldInfo> WorldInfoFromEnv(const EnvLookup& env);

}  // namespace xmas::dist
