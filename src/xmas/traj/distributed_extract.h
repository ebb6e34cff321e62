// `xmas trajectories` over the processes of a torchrun/srun job: the same
// store as one process, byte for byte, computed by N processes.
//
// Rank r extracts shard r of N (the `--shard r/N` of shard.h, whose contiguous
// runs of whole batches make every shard compute exactly the single process's
// batches) into ShardDir(out, r, N); after all shards are done, rank 0 merges
// them into `out`, writes --export-official from the merged store, and removes
// the shard stores. An interrupted job resumes from the shard stores when
// rerun with the same N. Every rank returns the job's outcome.
//
// The shard stores sit beside `out`: a job across machines needs `out` on a
// filesystem every process sees (rank 0 reads the others' shards).
#pragma once

#include "xmas/dist/world.h"
#include "xmas/traj/extract_options.h"
#include "xmas/traj/extractor.h"
#include "xmas/util/status.h"

namespace xmas::traj {

// One process (world.size() == 1): ExtractTrajectories(options). Otherwise
// the scheme above; usage errors when options already name a --shard or when
// `out` is non-empty without options.overwrite (the merged store of a
// finished job is not recomputed). The summary is this rank's shard's.
Result<ExtractSummary> ExtractDistributed(const ExtractOptions& options, dist::World& world);

}  // namespace xmas::traj
