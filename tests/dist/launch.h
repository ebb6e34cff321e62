// Starts `xmas` processes the way torchrun would (fork + exec with RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1, MASTER_PORT set) and waits
// for them with a deadline, so a test never hangs on a lost rank.
#pragma once

#include <string>
#include <vector>

namespace xmas::dist::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

struct JobResult {
  std::vector<int> codes;  // exit status per rank; -1: killed (signal or deadline)
  std::string logs;        // every rank's stderr, rank by rank
  bool ok() const;         // every rank exited 0
};

// Runs `xmas args...` as `processes` ranks over loopback (one process: no
// rendezvous variables at all). stderr goes to log_dir/rank-<r>.log. Ranks
// still running after `deadline_s` are killed.
JobResult RunJob(int processes, const std::vector<std::string>& args, const std::string& log_dir,
                 int deadline_s = 120);

}  // namespace xmas::dist::testing
