// The processes of one job and their collective operations, on libtorch's
// c10d: rank 0 serves a c10d::TCPStore at MASTER_ADDR:MASTER_PORT (or
// torchrun's agent serves it), every rank joins a c10d::ProcessGroupGloo
// through it. No transport of our own.
//
//   XMAS_ASSIGN_OR_RETURN(auto world, dist::JoinFromEnv());
//   if (world->is_main()) ...;              // rank 0 writes the outputs
//   XMAS_RETURN_IF_ERROR(world->Barrier());
//
// A one-process World (no launcher environment) has no process group: every
// collective returns at once with its own input, so single-process code paths
// stay exactly as they were.
//
// Every rank must call the collectives in the same order (as with any c10d
// group). A failing rank that exits makes the others' next collective fail
// (Gloo sees the closed connection) instead of hanging; AgreeOk turns a
// one-rank error into the same error on every rank where ranks can still talk.
//
// This header is free of libtorch (the CLI includes it); tensor collectives
// are in collectives.h.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "xmas/dist/env.h"
#include "xmas/util/status.h"

namespace c10d {
class ProcessGroup;
}

namespace xmas::dist {

class World {
 public:
  // One process: rank 0 of 1.
  static std::shared_ptr<World> Single();
  // Rendezvous with the other ranks of `info` (a single-process World when
  // info.size == 1). Waits at most `timeout` for them. Errors name
  // MASTER_ADDR:MASTER_PORT and what failed.
  static Result<std::shared_ptr<World>> Join(const WorldInfo& info, std::chrono::seconds timeout);
  ~World();

  const WorldInfo& info() const { return info_; }
  int rank() const { return info_.rank; }
  int size() const { return info_.size; }
  bool is_main() const { return info_.rank == 0; }

  Status Barrier();
  // Every rank gets every rank's bytes, in rank order.
  Result<std::vector<std::string>> AllGatherBytes(const std::string& mine);
  // Every rank gets `root`'s bytes (the others' argument is ignored).
  Result<std::string> BroadcastBytes(const std::string& bytes, int root = 0);

  // Collective error agreement: OK on every rank if `local` is OK on every
  // rank; otherwise each rank returns its own error, or the first failing
  // rank's error prefixed "rank R: ". Call after a step only some ranks do
  // (rank 0 preparing the output), so the others stop instead of waiting.
  Status AgreeOk(const Status& local);
  // Usage error on every rank unless all ranks pass the same `value` (e.g. a
  // resumed step): "<what>: rank 1 has 'x', rank 0 has 'y'".
  Status CheckSame(const std::string& what, const std::string& value);

  // The process group for tensor collectives (collectives.h); null when size() == 1.
  ::c10d::ProcessGroup* group() const;

 private:
  struct Impl;
  World(WorldInfo info, std::unique_ptr<Impl> impl);
  WorldInfo info_;
  std::unique_ptr<Impl> impl_;
};

// WorldInfoFromEnv + Join (waiting info.timeout_seconds). Logs the world size.
Result<std::shared_ptr<World>> JoinFromEnv();

// Ranks other than 0 log warnings and errors only (no progress bars), so a
// job's log reads like one process's. For the CLI, which owns the log level.
void QuietUnlessMain(const World& world);

}  // namespace xmas::dist
