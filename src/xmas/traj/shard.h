// `xmas trajectories merge`: joins the stores written by `--shard I/N` runs
// into the store one process would have written.
//
// Shards split the batch sequence into contiguous runs (extract_plan.h), so
// each computed exactly the batches the single process computes; merging is
// then a concatenation in shard order, and the result equals the
// single-process store file for file (manifest settings included: the
// per-shard "shard" entry is dropped).
//
// Checked: every shard 0..N-1 present once, the same settings and features
// (steps, widths) in all, contiguous rows covering the whole dataset.
#pragma once

#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::traj {

Status MergeShards(const std::vector<std::string>& shard_dirs, const std::string& out_dir,
                   bool overwrite);

// Where a multi-process run (distributed_extract.h) keeps shard `index` of
// `count` of the store `out`: beside it, "<out>.shard-<index>-of-<count>".
std::string ShardDir(const std::string& out, int index, int count);

}  // namespace xmas::traj
