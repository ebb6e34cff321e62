#include "xmas/experiment/runner_steps.h"

#include <cstdio>
#include <filesystem>

#include "xmas/demodata/demo_data.h"
#include "xmas/eval/evaluator.h"
#include "xmas/experiment/runner.h"
#include "xmas/select/select.h"
#include "xmas/text/tokenizer_train.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/trainer.h"
#include "xmas/traj/extractor.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"

namespace xmas::experiment::internal {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A model setting: a preset name is a setting, a config file also its content.
Status AddModel(StepKey* key, const std::string& model) {
  key->Setting("model", model);
  std::error_code ec;
  if (fs::exists(model, ec)) return key->InputPath("model_config", model);
  return Status::Ok();
}

std::string Percent(double budget) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", budget);
  return buf;
}

// Copies the method knobs of selection.extra into the select options.
Status ApplyExtra(const json& extra, select::SelectOptions* o) {
  for (const auto& [k, v] : extra.items()) {
    Status st = select::SetOptionFromJson(k, v, o);
    if (!st.ok()) return Status::InvalidInput("field 'selection.extra." + k + "': " + st.message());
  }
  return Status::Ok();
}

}  // namespace

Status PrepareData(RunContext* ctx) {
  const DataSettings& d = ctx->config().data;
  if (d.uses_demo()) {
    std::string dir = ctx->Path("data");
    StepKey key("demo-data");
    key.Setting("size", d.demo_size).Setting("seed", json(d.demo_seed));
    key.Setting("scale", json(d.demo_scale)).Setting("image_size", json(d.demo_image_size));
    if (d.demo_bench_scale > 0) key.Setting("bench_scale", json(d.demo_bench_scale));
    if (d.demo_pretrain_scale > 0) key.Setting("pretrain_scale", json(d.demo_pretrain_scale));
    XMAS_ASSIGN_OR_RETURN(ctx->data.stamp, ctx->Run("demo data", dir, key, [&]() -> Status {
      demodata::DemoDataOptions o;
      o.out_dir = dir;
      XMAS_ASSIGN_OR_RETURN(o.size, demodata::ParseDemoSize(d.demo_size));
      o.seed = d.demo_seed;
      o.scale_counts = d.demo_scale;
      o.bench_scale = d.demo_bench_scale;
      o.pretrain_scale = d.demo_pretrain_scale;
      o.image_size = static_cast<int>(d.demo_image_size);
      o.overwrite = true;
      return demodata::GenerateDemoData(o);
    }));
    const files::DemoDataPaths paths = files::DemoData(dir);
    ctx->data.train = paths.train;
    ctx->data.pretrain = paths.pretrain;
    ctx->data.images = paths.images;
    ctx->data.bench = paths.bench;
    return Status::Ok();
  }
  ctx->data.train = d.train;
  ctx->data.pretrain = d.pretrain;
  ctx->data.images = d.images;
  ctx->data.bench = d.bench;
  // External data is not a step: its identity is the content of the JSON
  // files and the benchmark folder (images are trusted to stay put).
  StepKey id("external-data");
  XMAS_RETURN_IF_ERROR(id.InputPath("train", d.train));
  if (!d.pretrain.empty()) XMAS_RETURN_IF_ERROR(id.InputPath("pretrain", d.pretrain));
  XMAS_RETURN_IF_ERROR(id.InputPath("bench", d.bench));
  id.Setting("images", d.images);
  ctx->data.stamp = StepStamp{id.Key(), id.Key(), 0, id.inputs()};
  return Status::Ok();
}

Status PrepareTokenizer(RunContext* ctx) {
  const TokenizerSettings& t = ctx->config().tokenizer;
  if (!t.path.empty()) {
    StepKey id("tokenizer-file");
    XMAS_RETURN_IF_ERROR(id.InputPath("model", t.path));
    ctx->tokenizer = t.path;
    ctx->tokenizer_stamp = StepStamp{id.Key(), id.Key(), 0, id.inputs()};
    return Status::Ok();
  }
  std::string out = ctx->Path(files::kTokenizer);
  StepKey key("tokenizer");
  key.Upstream("data", ctx->data.stamp).Setting("vocab_size", json(t.vocab_size));
  XMAS_ASSIGN_OR_RETURN(ctx->tokenizer_stamp, ctx->Run("tokenizer", out, key, [&] {
    text::TokenizerTrainOptions o;
    o.vocab_size = static_cast<int32_t>(t.vocab_size);
    return text::TrainTokenizerOnDataset(ctx->data.train, o, out);
  }));
  ctx->tokenizer = out;
  return Status::Ok();
}

Result<StepStamp> TrainStep(RunContext* ctx, const TrainSpec& spec) {
  const ExperimentConfig& c = ctx->config();
  const TrainSettings& r = *spec.recipe;
  StepKey key("train");
  key.Setting("stage", spec.stage).Setting("recipe", r.ToJson()).Setting("device", c.device);
  key.Upstream("data", spec.data_stamp).Upstream("tokenizer", ctx->tokenizer_stamp);
  key.Upstream("images", ctx->data.stamp);
  if (!spec.init.empty()) key.Upstream("init", spec.init_stamp);
  XMAS_RETURN_IF_ERROR(AddModel(&key, spec.model->model));
  return ctx->Run(spec.label, spec.out, key, [&] {
    train::TrainOptions o;
    o.data = spec.data;
    o.image_folder = ctx->data.images;
    o.tokenizer = ctx->tokenizer;
    if (spec.init.empty()) {
      o.config = spec.model->model;
    } else {
      o.init = spec.init;
    }
    o.out = spec.out;
    o.overwrite = true;
    o.stage = spec.stage;
    o.trainable = r.trainable;
    o.learning_rate = r.learning_rate;
    o.weight_decay = r.weight_decay;
    o.warmup_ratio = r.warmup_ratio;
    o.batch_size = r.batch_size;
    o.grad_accum = r.grad_accum;
    o.epochs = r.epochs;
    o.max_steps = r.max_steps;
    o.max_length = r.max_length;
    o.seed = r.seed;
    o.save_every = r.save_every;
    o.threads = c.threads;
    o.device = c.device;
    return train::Train(o);
  });
}

std::vector<int64_t> PickCheckpoints(const std::vector<int64_t>& available, int64_t t) {
  size_t n = available.size();
  if (t <= 0 || static_cast<size_t>(t) >= n) return available;
  std::vector<int64_t> picked;
  for (int64_t i = 0; i < t; ++i) {
    size_t idx = t == 1 ? n - 1 : static_cast<size_t>((i * (n - 1) + (t - 1) / 2) / (t - 1));
    if (picked.empty() || picked.back() != available[idx]) picked.push_back(available[idx]);
  }
  return picked;
}

Result<StepStamp> TrajectoryStep(RunContext* ctx, const std::string& proxy_run, const StepStamp& proxy,
                                 const std::string& features) {
  const ExperimentConfig& c = ctx->config();
  const TrajectorySettings& t = c.trajectories;
  std::vector<int64_t> steps = PickCheckpoints(train::ListCheckpoints(proxy_run), t.checkpoints);
  if (steps.empty()) {
    return Status::InvalidInput(proxy_run + ": the proxy run saved no checkpoint (set "
                                "proxy.finetune.save_every below its number of steps)");
  }
  std::string list, layers;
  for (int64_t s : steps) list += (list.empty() ? "" : ",") + std::to_string(s);
  for (int64_t l : t.layers) layers += (layers.empty() ? "" : ",") + std::to_string(l);
  std::string out = ctx->Path("store");
  StepKey key("trajectories");
  key.Upstream("proxy", proxy).Upstream("data", ctx->data.stamp);
  key.Setting("checkpoints", list).Setting("mode", t.mode).Setting("top_k", json(t.top_k));
  key.Setting("layers", layers.empty() ? "all" : layers).Setting("features", features);
  return ctx->Run("trajectories (T=" + std::to_string(steps.size()) + ")", out, key, [&]() -> Status {
    traj::ExtractOptions o;
    o.run = proxy_run;
    o.data = ctx->data.train;
    o.image_folder = ctx->data.images;
    o.checkpoints = list;
    o.tokenizer = ctx->tokenizer;
    XMAS_ASSIGN_OR_RETURN(o.mode, traj::ParseCrossModalMode(t.mode));
    o.layers = layers.empty() ? "all" : layers;
    o.top_k = t.top_k;
    XMAS_ASSIGN_OR_RETURN(o.features, traj::ParseFeatureSet(features));
    o.batch_size = t.batch_size;
    o.device = c.device;
    o.threads = c.threads;
    o.out = out;
    o.overwrite = true;
    return traj::ExtractTrajectories(o).status();
  });
}

Result<StepStamp> SelectStep(RunContext* ctx, const data::Dataset& dataset, const std::string& method,
                             double budget, uint64_t seed, const StepStamp* store) {
  const SelectionSettings& s = ctx->config().selection;
  std::string tag = RunTag(method, budget, seed);
  std::string dir = ctx->Path("select/" + tag);
  StepKey key("select");
  key.Upstream("data", ctx->data.stamp);
  if (store != nullptr) key.Upstream("store", *store);
  key.Setting("method", method).Setting("budget", json(budget)).Setting("seed", json(seed));
  key.Setting("clusters", json(s.clusters)).Setting("extra", s.extra);
  return ctx->Run("select " + tag, dir, key, [&]() -> Status {
    select::SelectOptions o;
    o.trajectories = store != nullptr ? ctx->Path("store") : "";
    o.data = ctx->data.train;
    o.method = method;
    // Demo data has a truth.json: it enables the oracle / anti controls.
    if (ctx->config().data.uses_demo()) o.truth = files::DemoData(fs::path(ctx->data.train).parent_path().string()).truth;
    XMAS_ASSIGN_OR_RETURN(o.budget, select::Budget::Parse(Percent(budget)));
    o.clusters = static_cast<int>(s.clusters);
    o.seed = seed;
    o.threads = static_cast<int>(ctx->config().threads);
    XMAS_RETURN_IF_ERROR(ApplyExtra(s.extra, &o));
    XMAS_ASSIGN_OR_RETURN(select::Selection sel, select::Select(dataset, o));
    std::error_code ec;
    fs::create_directories(dir, ec);
    XMAS_RETURN_IF_ERROR(data::WriteSubset(dataset, sel.chosen, dir + "/subset.json"));
    json info = {{"method", method}, {"budget", budget}, {"seed", seed}, {"population", sel.population},
                 {"chosen", sel.chosen}, {"details", sel.details}, {"timings", json::object()}};
    for (const auto& [stage, sec] : sel.timings) info["timings"][stage] = sec;
    bool clustered = false;
    for (int64_t c : sel.cluster_of) clustered = clustered || c >= 0;
    if (clustered) info["cluster_of"] = sel.cluster_of;
    return WriteFileAtomic(dir + "/selection.json", info.dump() + "\n");
  });
}

Result<StepStamp> EvalStep(RunContext* ctx, const std::string& tag, const std::string& target_run,
                           const StepStamp& target) {
  const ExperimentConfig& c = ctx->config();
  std::string dir = ctx->Path("eval/" + tag);
  StepKey key("eval");
  key.Upstream("target", target).Upstream("data", ctx->data.stamp);
  key.Setting("max_new_tokens", json(c.eval.max_new_tokens)).Setting("limit", json(c.eval.limit));
  return ctx->Run("eval " + tag, dir, key, [&]() -> Status {
    std::error_code ec;
    fs::create_directories(dir, ec);
    eval::EvalOptions o;
    o.max_new_tokens = c.eval.max_new_tokens;
    o.batch_size = c.eval.batch_size;
    o.limit = c.eval.limit;
    o.image_root = ctx->data.images;
    o.predictions_dir = dir;
    o.threads = static_cast<int>(c.threads);
    XMAS_ASSIGN_OR_RETURN(eval::EvalReport report,
                          eval::EvaluateCheckpoint(files::FinalDir(target_run), ctx->data.bench, ctx->tokenizer, c.device, o));
    return WriteFileAtomic(dir + "/scores.json", eval::EvalReportToJson(report).dump(2) + "\n");
  });
}

}  // namespace xmas::experiment::internal
