// `xmas trajectories`: cross-modal singular values (and other features) of
// every example at every checkpoint of a proxy run; `merge` joins shards,
// `export-official` writes a store in the authors' JSON layout. Under torchrun
// or srun the processes share the examples (docs/distributed.md).
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/dist/world.h"
#include "xmas/traj/distributed_extract.h"
#include "xmas/traj/export_official.h"
#include "xmas/traj/extractor.h"
#include "xmas/traj/shard.h"

namespace {

struct Args {
  xmas::traj::ExtractOptions o;
  std::string mode = "attention", combine = "sum", svd = "exact", features = "svd", shard = "0/1";
  int64_t vision_cache_mb = 2048;
};

void AddInputs(CLI::App* cmd, Args& a) {
  auto& o = a.o;
  cmd->add_option("--run", o.run, "Training run directory (holds checkpoint-<step>/, xmas's or the HF Trainer's)");
  cmd->add_option("--data", o.data, "LLaVA-format JSON (the rows of the output, in order)");
  cmd->add_option("--image-folder", o.image_folder, "Folder the records' image paths are relative to");
  cmd->add_option("--checkpoints", o.checkpoints,
                  "all, a comma list of steps, A:B:STEP, or a comma list of checkpoint folders (then no --run)")
      ->capture_default_str();
  cmd->add_option("--tokenizer", o.tokenizer, "SentencePiece .model (default: the run's)");
  cmd->add_option("--template", o.template_name,
                  "Chat template plain|llava_v1 (default: from the checkpoint's training stage)");
  cmd->add_option("--max-length", o.max_length, "Tokens per example (default: the config's max positions)");
}

void AddMethod(CLI::App* cmd, Args& a) {
  auto& o = a.o;
  cmd->add_option("--mode", a.mode, "attention (docs/method.md §4, default) or official (the authors' matrix, docs/method.md §3)")
      ->capture_default_str();
  cmd->add_option("--layers", o.layers, "Decoder layers hooked: all or a comma list (negative from the end)")
      ->capture_default_str();
  cmd->add_option("--combine", a.combine, "Combine layers: sum or mean")->capture_default_str();
  cmd->add_option("--k", o.top_k, "Singular values kept per checkpoint")->capture_default_str();
  cmd->add_option("--svd", a.svd, "exact (LAPACK) or randomized (the authors' svd_lowrank)")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of the randomized SVD")->capture_default_str();
  cmd->add_option("--features", a.features, "Comma list of svd, loss, el2n, embed, clip")
      ->capture_default_str();
  cmd->add_option("--embed-layers", o.embed_layers, "Layers of the embed/clip features: auto, all or a list")
      ->capture_default_str();
  cmd->add_option("--embed-step", o.embed_step, "Checkpoint of the embed/clip features (default: the last)");
}

void AddRuntime(CLI::App* cmd, Args& a) {
  auto& o = a.o;
  cmd->add_option("--batch-size", o.batch_size, "Examples per forward pass")->capture_default_str();
  cmd->add_option("--shard", a.shard,
                  "Compute only shard I of N (then `trajectories merge`); under torchrun/srun each process "
                  "takes its own")
      ->capture_default_str();
  xmas::cli::AddComputeOptions(cmd, {&o.device, &o.dtype, &o.threads,
                                     "CPU threads of one operator (libtorch intra-op + OpenBLAS; 0: libtorch's "
                                     "default; inter-op is always 1; see docs/performance.md)"});
  cmd->add_option("--vision-cache-mb", a.vision_cache_mb, "Memory for vision features reused across checkpoints")
      ->capture_default_str();
  cmd->add_option("--out", o.out, "Output feature store directory");
  cmd->add_flag("--overwrite", o.overwrite, "Start over in a non-empty --out (default: resume)");
  cmd->add_option("--export-official", o.export_official,
                  "Also write the authors' per-checkpoint JSON files into this directory");
}

xmas::Status Run(Args& a) {
  auto& o = a.o;
  if (o.data.empty() || o.out.empty()) return xmas::Status::Usage("trajectories: --data and --out are required");
  XMAS_ASSIGN_OR_RETURN(o.mode, xmas::traj::ParseCrossModalMode(a.mode));
  XMAS_ASSIGN_OR_RETURN(o.combine, xmas::traj::ParseLayerCombine(a.combine));
  XMAS_ASSIGN_OR_RETURN(o.svd, xmas::traj::ParseSvdMethod(a.svd));
  XMAS_ASSIGN_OR_RETURN(o.features, xmas::traj::ParseFeatureSet(a.features));
  XMAS_RETURN_IF_ERROR(xmas::traj::ParseShard(a.shard, &o.shard_index, &o.shard_count));
  if (a.vision_cache_mb < 0) return xmas::Status::Usage("--vision-cache-mb: must be >= 0");
  o.vision_cache_bytes = static_cast<size_t>(a.vision_cache_mb) << 20;
  XMAS_ASSIGN_OR_RETURN(auto world, xmas::dist::JoinFromEnv());
  xmas::dist::QuietUnlessMain(*world);
  auto summary = xmas::traj::ExtractDistributed(o, *world);
  return summary.ok() ? xmas::Status::Ok() : summary.status();
}

void AddMerge(CLI::App* parent) {
  struct MergeArgs {
    std::vector<std::string> shards;
    std::string out, export_official;
    bool overwrite = false;
  };
  auto m = std::make_shared<MergeArgs>();
  auto* cmd = parent->add_subcommand("merge", "Join the stores of --shard I/N runs into one");
  cmd->add_option("SHARDS", m->shards, "Shard store directories")->required();
  cmd->add_option("--out", m->out, "Merged store directory")->required();
  cmd->add_flag("--overwrite", m->overwrite, "Write into a non-empty --out");
  cmd->add_option("--export-official", m->export_official, "Also write the authors' JSON files here");
  xmas::cli::SetAction(cmd, [m] {
    XMAS_RETURN_IF_ERROR(xmas::traj::MergeShards(m->shards, m->out, m->overwrite));
    if (m->export_official.empty()) return xmas::Status::Ok();
    return xmas::traj::ExportOfficial(m->out, m->export_official);
  });
}

void AddExport(CLI::App* parent) {
  auto paths = std::make_shared<std::pair<std::string, std::string>>();
  auto* cmd = parent->add_subcommand(
      "export-official", "Write a store's singular values/loss as the authors' per-checkpoint JSON");
  cmd->add_option("STORE", paths->first, "Feature store directory")->required();
  cmd->add_option("--out", paths->second, "Output directory")->required();
  xmas::cli::SetAction(cmd, [paths] { return xmas::traj::ExportOfficial(paths->first, paths->second); });
}

void AddTrajectories(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "trajectories", "Cross-modal alignment trajectories (and loss/EL2N/embedding features) of a run");
  auto args = std::make_shared<Args>();
  AddInputs(cmd, *args);
  AddMethod(cmd, *args);
  AddRuntime(cmd, *args);
  AddMerge(cmd);
  AddExport(cmd);
  xmas::cli::SetAction(cmd, [cmd, args] {
    if (cmd->get_subcommands().size() > 0) return xmas::Status::Ok();  // merge / export-official ran
    return Run(*args);
  });
}
XMAS_COMMAND("trajectories", AddTrajectories);

}  // namespace
