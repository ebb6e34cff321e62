#include "xmas/traj/extract_plan.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "xmas/model/checkpoint_match.h"
#include "xmas/model/model_check.h"
#include "xmas/text/tokenizer.h"
#include "xmas/traj/checkpoint_list.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/stage.h"
#include "xmas/train/trainer_state.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::traj {
namespace fs = std::filesystem;

std::pair<size_t, size_t> ShardRows(size_t rows, size_t window_rows, int index, int count) {
  const size_t windows = (rows + window_rows - 1) / window_rows;
  const size_t first = windows * index / count, last = windows * (index + 1) / count;
  return {std::min(rows, first * window_rows), std::min(rows, last * window_rows)};
}

std::vector<std::vector<size_t>> WindowBatches(size_t first, size_t last, int64_t batch_size,
                                               size_t window_rows,
                                               const std::vector<int64_t>* lengths) {
  const size_t b = static_cast<size_t>(batch_size);
  std::vector<std::vector<size_t>> out;
  for (size_t start = first; start < last; start += window_rows) {
    std::vector<size_t> rows;
    for (size_t i = start; i < std::min(last, start + window_rows); ++i) rows.push_back(i);
    if (lengths != nullptr) {
      std::stable_sort(rows.begin(), rows.end(), [&](size_t x, size_t y) {
        return (*lengths)[x - first] > (*lengths)[y - first];
      });
    }
    for (size_t k = 0; k < rows.size(); k += b) {
      out.emplace_back(rows.begin() + k, rows.begin() + std::min(rows.size(), k + b));
    }
  }
  return out;
}

std::vector<std::vector<size_t>> ShardBatches(size_t rows, int64_t batch_size, int index,
                                              int count) {
  const auto [first, last] = ShardRows(rows, static_cast<size_t>(batch_size), index, count);
  return WindowBatches(first, last, batch_size, static_cast<size_t>(batch_size));
}

namespace {

Status CheckOptions(const ExtractOptions& o) {
  if (o.data.empty() || o.out.empty()) return Status::Usage("--data and --out are required");
  if (o.top_k < 1) return Status::Usage("--k: must be at least 1");
  if (o.batch_size < 1) return Status::Usage("--batch-size: must be at least 1");
  if (o.mode == CrossModalMode::kOfficial && o.combine != LayerCombine::kSum) {
    log::Warn("--mode official with --combine mean: the authors sum over layers");
  }
  std::vector<std::string> inputs = {o.data, o.image_folder};
  if (!o.run.empty()) inputs.push_back(o.run);
  if (IsCheckpointDirList(o.checkpoints)) {
    std::stringstream dirs(o.checkpoints);
    for (std::string dir; std::getline(dirs, dir, ',');) inputs.push_back(dir);
  }
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.out, inputs));
  if (!o.export_official.empty()) {
    XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.export_official, inputs));
  }
  return Status::Ok();
}

// Template: --template, else from the checkpoint's training stage.
Result<text::TemplateKind> ResolveTemplate(const ExtractOptions& o, const std::string& ckpt) {
  if (!o.template_name.empty()) return text::ParseTemplateKind(o.template_name);
  const std::string path = files::TrainerStatePath(ckpt);
  auto text = ReadFile(path);
  const auto j = text.ok() ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (!j.is_object() || !j.contains("stage")) {  // absent, or the HF Trainer's (log_history, no stage)
    return Status::Usage(path + ": no xmas training stage to take the chat template from (" +
                         (text.ok() ? "not written by xmas train" : "no such file") + "): pass --template");
  }
  auto state = train::ReadTrainerState(path);
  if (!state.ok()) return state.status();
  XMAS_ASSIGN_OR_RETURN(const train::Stage* stage, train::FindStage(state->stage));
  return stage->template_kind;
}

// --tokenizer (a file or a folder), else the checkpoint's, else the run's
// (tokenizer.model or tokenizer.json: text::Tokenizer::FileInFolder).
Result<std::string> ResolveTokenizer(const ExtractOptions& o, const std::string& ckpt) {
  if (!o.tokenizer.empty()) {
    if (!fs::exists(o.tokenizer)) return Status::NotFound("--tokenizer: " + o.tokenizer + ": no such file");
    return o.tokenizer;
  }
  for (const std::string& dir : {ckpt, o.run}) {
    if (dir.empty()) continue;
    std::string file = text::Tokenizer::FileInFolder(dir);
    if (!file.empty()) return file;
  }
  return Status::NotFound((o.run.empty() ? ckpt : o.run) +
                          ": no tokenizer.model or tokenizer.json in the run or its checkpoint (pass --tokenizer)");
}

Status EncodeShard(const ExtractOptions& o, const data::Dataset& dataset,
                   const text::Tokenizer& tokenizer, ExtractPlan* plan) {
  const bool bucket = o.mode == CrossModalMode::kAttention;
  const size_t window = static_cast<size_t>(o.batch_size * (bucket ? kBucketWindowBatches : 1));
  const auto [first, last] = ShardRows(dataset.size(), window, o.shard_index, o.shard_count);
  plan->first_row = first;
  std::vector<int64_t> lengths;
  Progress bar("encode", last - first, "rec");
  for (size_t i = first; i < last; ++i) {
    XMAS_ASSIGN_OR_RETURN(text::EncodedExample ex,
                          text::EncodeRecord(tokenizer, dataset, i, plan->template_options));
    plan->valid.push_back(ex.has_image() && ex.size() > ex.image_end ? 1 : 0);
    plan->ids.push_back(dataset[i].unique_idx);
    lengths.push_back(ex.size());
    plan->examples.push_back(std::move(ex));
    bar.Add(1);
  }
  bar.Finish();
  plan->batches = WindowBatches(first, last, o.batch_size, window, bucket ? &lengths : nullptr);
  return Status::Ok();
}

nlohmann::json Settings(const ExtractOptions& o, const ExtractPlan& p, size_t dataset_rows) {
  nlohmann::json s;
  s["run"] = o.run;
  if (o.run.empty()) s["checkpoint_dirs"] = p.checkpoint_dirs;
  s["data"] = o.data;
  s["image_folder"] = o.image_folder;
  s["dataset_rows"] = dataset_rows;
  s["checkpoints"] = p.steps;
  s["mode"] = CrossModalModeName(p.request.mode);
  s["layers"] = p.request.svd_layers;
  s["combine"] = LayerCombineName(p.request.combine);
  s["top_k"] = p.request.top_k;
  s["svd"] = SvdMethodName(p.request.svd_method);
  s["seed"] = p.request.seed;
  s["features"] = FeatureSetName(o.features);
  s["embed_layers"] = p.embed_layers;
  s["embed_step"] = p.embed_step;
  s["template"] = text::TemplateName(p.template_options.kind);
  s["max_length"] = p.template_options.max_length;
  s["tokenizer"] = p.tokenizer_path;
  s["batch_size"] = o.batch_size;
  s["device"] = o.device;
  s["dtype"] = o.dtype;
  return s;
}

}  // namespace

Result<ExtractPlan> PlanExtraction(const ExtractOptions& o, const data::Dataset& dataset) {
  XMAS_RETURN_IF_ERROR(CheckOptions(o));
  ExtractPlan p;
  XMAS_ASSIGN_OR_RETURN(CheckpointList list, ResolveCheckpoints(o.run, o.checkpoints));
  p.steps = std::move(list.steps);
  p.checkpoint_dirs = std::move(list.dirs);
  const std::string& first = p.checkpoint_dirs.front();
  XMAS_ASSIGN_OR_RETURN(p.config, model::LoadConfig(files::ModelConfigPath(first)));
  model::LogModelReport(p.config, first);
  for (const auto& dir : p.checkpoint_dirs) {  // headers only: a mismatch fails before any work
    XMAS_RETURN_IF_ERROR(model::MatchCheckpoint(p.config, dir).status());
  }
  XMAS_ASSIGN_OR_RETURN(p.tokenizer_path, ResolveTokenizer(o, first));
  XMAS_ASSIGN_OR_RETURN(text::Tokenizer tokenizer, text::Tokenizer::Load(p.tokenizer_path));
  XMAS_ASSIGN_OR_RETURN(p.template_options.kind, ResolveTemplate(o, first));
  p.template_options.num_image_tokens = p.config.image_token_count();
  p.template_options.max_length =
      o.max_length > 0 ? o.max_length : p.config.text.max_position_embeddings;

  const int64_t depth = p.config.text.num_hidden_layers;
  BatchRequest& r = p.request;
  r.svd = o.features.svd;
  r.mode = o.mode;
  XMAS_ASSIGN_OR_RETURN(r.svd_layers, ParseLayerSpec(o.layers, depth, "--layers"));
  r.combine = o.combine;
  r.top_k = o.top_k;
  r.svd_method = o.svd;
  r.seed = o.seed;
  r.loss = o.features.loss;
  r.el2n = o.features.el2n;
  if (o.features.NeedsAttnOutput()) {
    XMAS_ASSIGN_OR_RETURN(p.embed_layers, ParseLayerSpec(o.embed_layers, depth, "--embed-layers"));
    p.embed_step = o.embed_step >= 0 ? o.embed_step : p.steps.back();
    if (!std::binary_search(p.steps.begin(), p.steps.end(), p.embed_step)) {
      return Status::Usage("--embed-step: " + std::to_string(p.embed_step) +
                           " is not among the chosen checkpoints");
    }
  }
  XMAS_RETURN_IF_ERROR(EncodeShard(o, dataset, tokenizer, &p));
  p.settings = Settings(o, p, dataset.size());
  return p;
}

}  // namespace xmas::traj
