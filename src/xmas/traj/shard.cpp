#include "xmas/traj/shard.h"

#include <algorithm>

#include "xmas/store/store.h"
#include "xmas/traj/resume_state.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace xmas::traj {

// The feature store's names (xmas::store).
using store::FeatureInfo, store::Store, store::StoreWriter;
namespace feature = store::feature;
namespace {

const char* const kFeatureNames[] = {feature::kSvd,          feature::kLoss,
                                     feature::kEl2n,         feature::kEmbed,
                                     feature::kCoincideImage, feature::kCoincideText,
                                     feature::kImageEmbed,   feature::kTextEmbed};

struct Shard {
  int index = 0;
  size_t first_row = 0;
  Store store;
};

Result<std::vector<Shard>> OpenShards(const std::vector<std::string>& dirs) {
  std::vector<Shard> shards;
  int count = -1;
  for (const std::string& dir : dirs) {
    XMAS_ASSIGN_OR_RETURN(Store store, Store::Open(dir));
    const auto& s = store.settings();
    if (!s.contains("shard")) return Status::Usage(dir + ": not a shard (no 'shard' setting)");
    const auto& info = s.at("shard");
    if (count >= 0 && info.at("count").get<int>() != count) {
      return Status::Usage(dir + ": shard of " + info.at("count").dump() + ", others of " +
                           std::to_string(count));
    }
    count = info.at("count").get<int>();
    shards.push_back({info.at("index").get<int>(), info.at("first_row").get<size_t>(),
                      std::move(store)});
  }
  std::sort(shards.begin(), shards.end(),
            [](const Shard& a, const Shard& b) { return a.index < b.index; });
  for (size_t i = 0; i < shards.size(); ++i) {
    if (shards[i].index != static_cast<int>(i)) {
      return Status::Usage("merge: shard " + std::to_string(i) + " of " + std::to_string(count) +
                           " is missing or given twice");
    }
  }
  if (static_cast<int>(shards.size()) != count) {
    return Status::Usage("merge: " + std::to_string(shards.size()) + " shards given, the run has " +
                         std::to_string(count));
  }
  return shards;
}

Status CheckConsistent(const std::vector<Shard>& shards) {
  const Store& first = shards.front().store;
  size_t row = 0;
  for (const Shard& sh : shards) {
    XMAS_RETURN_IF_ERROR(CheckSameSettings(first.settings(), sh.store.settings(), {"shard"},
                                           files::ManifestPath(sh.store.dir())));
    if (sh.first_row != row) {
      return Status::InvalidInput(sh.store.dir() + ": starts at row " + std::to_string(sh.first_row) +
                                  ", expected " + std::to_string(row));
    }
    row += sh.store.size();
    for (const char* name : kFeatureNames) {
      if (first.Has(name) != sh.store.Has(name)) {
        return Status::InvalidInput(sh.store.dir() + ": feature '" + name +
                                    "' present in some shards only");
      }
      if (!first.Has(name)) continue;
      XMAS_ASSIGN_OR_RETURN(FeatureInfo a, first.Info(name));
      XMAS_ASSIGN_OR_RETURN(FeatureInfo b, sh.store.Info(name));
      if (a.per_checkpoint != b.per_checkpoint || a.cols != b.cols ||
          a.files.size() != b.files.size() ||
          !std::equal(a.files.begin(), a.files.end(), b.files.begin(),
                      [](const auto& x, const auto& y) { return x.first == y.first; })) {
        return Status::InvalidInput(sh.store.dir() + ": feature '" + name +
                                    "' has other steps or width than in " + first.dir());
      }
    }
  }
  const auto& s = first.settings();
  if (s.contains("dataset_rows") && s.at("dataset_rows").get<size_t>() != row) {
    return Status::InvalidInput("merge: the shards hold " + std::to_string(row) +
                                " rows, the dataset has " + s.at("dataset_rows").dump());
  }
  return Status::Ok();
}

// One feature (a step, or static when step < 0) of every shard, concatenated.
Result<std::vector<float>> Concat(const std::vector<Shard>& shards, const std::string& name,
                                  int64_t step) {
  std::vector<float> all;
  for (const Shard& sh : shards) {
    auto m = step < 0 ? sh.store.ReadStatic(name) : sh.store.ReadCheckpoint(name, step);
    if (!m.ok()) return m.status();
    all.insert(all.end(), m->values.begin(), m->values.end());
  }
  return all;
}

}  // namespace

std::string ShardDir(const std::string& out, int index, int count) {
  std::string base = out;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + ".shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

Status MergeShards(const std::vector<std::string>& shard_dirs, const std::string& out_dir,
                   bool overwrite) {
  if (shard_dirs.empty()) return Status::Usage("merge: no shard directory given");
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(out_dir, shard_dirs));
  XMAS_ASSIGN_OR_RETURN(std::vector<Shard> shards, OpenShards(shard_dirs));
  XMAS_RETURN_IF_ERROR(CheckConsistent(shards));
  std::vector<std::string> ids;
  std::vector<uint8_t> valid;
  for (const Shard& sh : shards) {
    for (size_t i = 0; i < sh.store.size(); ++i) ids.emplace_back(sh.store.id(i));
    valid.insert(valid.end(), sh.store.valid().begin(), sh.store.valid().end());
  }
  XMAS_ASSIGN_OR_RETURN(StoreWriter out, StoreWriter::Create(out_dir, ids, valid, overwrite));
  const Store& first = shards.front().store;
  ResumeState state;
  for (const char* name : kFeatureNames) {
    if (!first.Has(name)) continue;
    XMAS_ASSIGN_OR_RETURN(FeatureInfo info, first.Info(name));
    if (!info.per_checkpoint) {
      XMAS_ASSIGN_OR_RETURN(auto values, Concat(shards, name, -1));
      XMAS_RETURN_IF_ERROR(out.AddStatic(name, values.data(), info.cols));
      state.static_done = true;
      continue;
    }
    for (const auto& [step, rel] : info.files) {
      XMAS_ASSIGN_OR_RETURN(auto values, Concat(shards, name, step));
      XMAS_RETURN_IF_ERROR(out.AddCheckpoint(name, step, values.data(), info.cols));
      state.finished.insert(step);
    }
  }
  state.settings = first.settings();
  state.settings.erase("shard");
  for (const auto& [key, value] : state.settings.items()) out.SetSetting(key, value);
  out.SetTopK(first.top_k());
  XMAS_RETURN_IF_ERROR(WriteResumeState(out_dir, state));
  XMAS_RETURN_IF_ERROR(out.Finish());
  log::Info("merged ", shards.size(), " shards (", ids.size(), " rows) into ", out_dir);
  return Status::Ok();
}

}  // namespace xmas::traj
