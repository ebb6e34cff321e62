#include "xmas/traj/distributed_extract.h"

#include <filesystem>

#include "xmas/traj/export_official.h"
#include "xmas/traj/shard.h"
#include "xmas/util/log.h"

namespace fs = std::filesystem;

namespace xmas::traj {
namespace {

Status CheckDistributedOptions(const ExtractOptions& o, const dist::World& world) {
  if (o.shard_count > 1) {
    return Status::Usage("--shard: not with " + std::to_string(world.size()) +
                         " processes (each process computes one shard itself)");
  }
  std::error_code ec;
  if (!o.overwrite && fs::is_directory(o.out, ec) && !fs::is_empty(o.out, ec)) {
    return Status::Usage("--out: " + o.out +
                         " is not empty (a finished store; --overwrite computes it again)");
  }
  return Status::Ok();
}

// Rank 0: the shards into `out`, the official export, then the shards away.
Status MergeAndClean(const ExtractOptions& o, int count) {
  std::vector<std::string> shards;
  for (int r = 0; r < count; ++r) shards.push_back(ShardDir(o.out, r, count));
  XMAS_RETURN_IF_ERROR(MergeShards(shards, o.out, o.overwrite));
  if (!o.export_official.empty()) XMAS_RETURN_IF_ERROR(ExportOfficial(o.out, o.export_official));
  for (const auto& dir : shards) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) log::Warn("could not remove the merged shard ", dir, ": ", ec.message());
  }
  return Status::Ok();
}

}  // namespace

Result<ExtractSummary> ExtractDistributed(const ExtractOptions& options, dist::World& world) {
  if (world.size() == 1) return ExtractTrajectories(options);
  XMAS_RETURN_IF_ERROR(world.AgreeOk(CheckDistributedOptions(options, world)));
  ExtractOptions shard = options;
  shard.shard_index = world.rank();
  shard.shard_count = world.size();
  shard.out = ShardDir(options.out, world.rank(), world.size());
  shard.export_official.clear();
  auto summary = ExtractTrajectories(shard);
  XMAS_RETURN_IF_ERROR(world.AgreeOk(summary.status()));
  XMAS_RETURN_IF_ERROR(world.AgreeOk(world.is_main() ? MergeAndClean(options, world.size()) : Status::Ok()));
  return summary;
}

}  // namespace xmas::traj
