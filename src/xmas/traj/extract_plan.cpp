#include "xmas/traj/extract_plan.h"

#include <algorithm>
#include <filesystem>

#include "xmas/model/checkpoint_match.h"
#include "xmas/model/model_check.h"
#include "xmas/text/tokenizer.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/trainer_state.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::traj {
namespace fs = std::filesystem;

std::vector<std::vector<size_t>> ShardBatches(size_t rows, int64_t batch_size, int index,
                                              int count) {
  const size_t b = static_cast<size_t>(batch_size);
  const size_t total = (rows + b - 1) / b;
  const size_t first = total * index / count, last = total * (index + 1) / count;
  std::vector<std::vector<size_t>> out;
  for (size_t k = first; k < last; ++k) {
    std::vector<size_t> batch;
    for (size_t i = k * b; i < std::min(rows, (k + 1) * b); ++i) batch.push_back(i);
    out.push_back(std::move(batch));
  }
  return out;
}

namespace {

Status CheckOptions(const ExtractOptions& o) {
  if (o.run.empty() || o.data.empty() || o.out.empty()) {
    return Status::Usage("--run, --data and --out are required");
  }
  if (o.top_k < 1) return Status::Usage("--k: must be at least 1");
  if (o.batch_size < 1) return Status::Usage("--batch-size: must be at least 1");
  if (o.mode == CrossModalMode::kOfficial && o.combine != LayerCombine::kSum) {
    log::Warn("--mode official with --combine mean: the authors sum over layers");
  }
  const std::vector<std::string> inputs = {o.run, o.data, o.image_folder};
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.out, inputs));
  if (!o.export_official.empty()) {
    XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(o.export_official, inputs));
  }
  return Status::Ok();
}

// Template: --template, else from the checkpoint's training stage.
Result<text::TemplateKind> ResolveTemplate(const ExtractOptions& o, const std::string& ckpt) {
  if (!o.template_name.empty()) return text::ParseTemplateKind(o.template_name);
  auto state = train::ReadTrainerState(ckpt + "/trainer_state.json");
  if (!state.ok()) return state.status();
  return state->stage == "pretrain" ? text::TemplateKind::kPlain : text::TemplateKind::kLlavaV1;
}

Result<std::string> ResolveTokenizer(const ExtractOptions& o, const std::string& ckpt) {
  for (const std::string& p : {o.tokenizer, ckpt + "/tokenizer.model", o.run + "/tokenizer.model"}) {
    if (!p.empty() && fs::exists(p)) return p;
    if (!p.empty() && p == o.tokenizer) return Status::NotFound("--tokenizer: " + p + ": no such file");
  }
  return Status::NotFound(o.run + ": no tokenizer.model in the run or its checkpoint (pass --tokenizer)");
}

Status EncodeShard(const ExtractOptions& o, const data::Dataset& dataset,
                   const text::Tokenizer& tokenizer, ExtractPlan* plan) {
  plan->batches = ShardBatches(dataset.size(), o.batch_size, o.shard_index, o.shard_count);
  plan->first_row = plan->batches.empty() ? 0 : plan->batches.front().front();
  Progress bar("encode", 0, "rec");
  for (const auto& batch : plan->batches) {
    for (size_t i : batch) {
      XMAS_ASSIGN_OR_RETURN(text::EncodedExample ex,
                            text::EncodeRecord(tokenizer, dataset, i, plan->template_options));
      plan->valid.push_back(ex.has_image() && ex.size() > ex.image_end ? 1 : 0);
      plan->ids.push_back(dataset[i].unique_idx);
      plan->examples.push_back(std::move(ex));
      bar.Add(1);
    }
  }
  bar.Finish();
  return Status::Ok();
}

nlohmann::json Settings(const ExtractOptions& o, const ExtractPlan& p, size_t dataset_rows) {
  nlohmann::json s;
  s["run"] = o.run;
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
  XMAS_ASSIGN_OR_RETURN(p.steps, ParseCheckpointSpec(o.checkpoints, train::ListCheckpoints(o.run)));
  for (int64_t s : p.steps) p.checkpoint_dirs.push_back(o.run + "/" + train::CheckpointName(s));
  const std::string& first = p.checkpoint_dirs.front();
  XMAS_ASSIGN_OR_RETURN(p.config, model::LoadConfig(first + "/config.json"));
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
