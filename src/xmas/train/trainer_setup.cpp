// Trainer::Create: everything that happens before the first step.
#include <filesystem>

#include "xmas/data/dataset.h"
#include "xmas/dist/collectives.h"
#include "xmas/model/device.h"
#include "xmas/model/model_check.h"
#include "xmas/model/weights.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/train/checkpoint_io.h"
#include "xmas/train/run_setup.h"
#include "xmas/train/stage.h"
#include "xmas/train/threads.h"
#include "xmas/train/trainer.h"
#include "xmas/train/trainer_impl.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace fs = std::filesystem;

namespace xmas::train {

namespace {

Status CheckOptions(const TrainOptions& o) {
  if (o.data.empty()) return Status::Usage("--data: required");
  if (o.out.empty()) return Status::Usage("--out: required");
  XMAS_RETURN_IF_ERROR(FindStage(o.stage).status());
  if (o.batch_size < 1) return Status::Usage("--batch-size: must be at least 1");
  if (o.grad_accum < 1) return Status::Usage("--grad-accum: must be at least 1");
  if (o.max_steps <= 0 && o.epochs < 1) return Status::Usage("--epochs: must be at least 1");
  if (o.warmup_ratio < 0 || o.warmup_ratio > 1) return Status::Usage("--warmup-ratio: must be in [0, 1]");
  if (o.learning_rate < 0) return Status::Usage("--lr: must not be negative");
  if (o.save_every < 0) return Status::Usage("--save-every: must not be negative");
  if (o.threads < 1) return Status::Usage("--threads: must be at least 1");
  if (o.resume && o.overwrite) return Status::Usage("--resume and --overwrite exclude each other");
  return Status::Ok();
}

bool SamePath(const std::string& a, const std::string& b) {
  std::error_code ec;
  return !a.empty() && !b.empty() && fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// Creates RUN, refusing to mix with an earlier run unless told how.
Status PrepareRunDir(const TrainOptions& o) {
  if (SamePath(o.out, o.init) || SamePath(o.out, o.image_folder)) {
    return Status::Usage("--out: " + o.out + " is one of the inputs (--init or --image-folder)");
  }
  XMAS_RETURN_IF_ERROR(PrepareOutputDir(o.out, o.resume || o.overwrite).WithPrefix("--out"));
  if (o.overwrite) XMAS_RETURN_IF_ERROR(ClearRunOutputs(o.out));
  return CheckOutputIsNotInput((o.out + "/" + files::kMetricsLog), {o.data});
}

Result<text::TemplateKind> RunTemplate(const TrainOptions& o) {
  if (!o.template_name.empty()) return text::ParseTemplateKind(o.template_name);
  XMAS_ASSIGN_OR_RETURN(const Stage* stage, FindStage(o.stage));
  return stage->template_kind;
}

}  // namespace

Trainer::Trainer(const TrainOptions& options) : options_(options), impl_(std::make_unique<Impl>()) {}
Trainer::~Trainer() = default;

Result<std::unique_ptr<Trainer>> Trainer::Create(const TrainOptions& options) {
  XMAS_RETURN_IF_ERROR(CheckOptions(options));
  std::unique_ptr<Trainer> t(new Trainer(options));
  XMAS_RETURN_IF_ERROR(t->Setup());
  return t;
}

Status Trainer::Setup() {
  const TrainOptions& o = options_;
  SetTorchThreads(o.threads);
  log::Debug("train: ", ThreadSettings());
  impl_->world = o.world ? o.world : dist::World::Single();
  dist::World& world = *impl_->world;
  XMAS_RETURN_IF_ERROR(world.AgreeOk(world.is_main() ? PrepareRunDir(o) : Status::Ok()));
  if (o.trainable.empty()) {
    XMAS_ASSIGN_OR_RETURN(impl_->parts, DefaultTrainable(o.stage));
  } else {
    XMAS_ASSIGN_OR_RETURN(impl_->parts, ParseTrainable(o.trainable));
  }
  XMAS_ASSIGN_OR_RETURN(auto templ, RunTemplate(o));

  data::LoadOptions load;
  XMAS_ASSIGN_OR_RETURN(auto dataset, data::Dataset::Load(o.data, load));
  XMAS_ASSIGN_OR_RETURN(impl_->config, ResolveRunConfig(o));
  const int64_t vocab = o.tokenizer_vocab > 0 ? o.tokenizer_vocab : impl_->config.text.vocab_size - 1;
  impl_->tokenizer_path = files::TokenizerPath(o.out);
  XMAS_ASSIGN_OR_RETURN(auto tokenizer,
                        ResolveSharedTokenizer(world, o, dataset, vocab, impl_->tokenizer_path));
  const bool preset = !o.config.empty() && IsPresetName(o.config);
  const std::string config_source = o.config.empty() ? files::ModelConfigPath(o.init) : o.config;
  XMAS_RETURN_IF_ERROR(FitConfigToTokenizer(tokenizer, preset, config_source, &impl_->config));
  if (world.is_main()) model::LogModelReport(impl_->config, o.config.empty() ? o.init : o.config);

  ExampleSourceOptions src;
  src.template_options.kind = templ;
  src.template_options.max_length =
      o.max_length > 0 ? o.max_length : impl_->config.text.max_position_embeddings;
  src.image_folder = o.image_folder;
  src.skip_bad_records = o.skip_bad_records;
  XMAS_ASSIGN_OR_RETURN(auto source, ExampleSource::Build(dataset, tokenizer, impl_->config, src));
  source_ = std::make_unique<ExampleSource>(std::move(source));
  XMAS_RETURN_IF_ERROR(SetupModel());
  return SetupProgress();
}

Status Trainer::SetupModel() {
  const TrainOptions& o = options_;
  torch::manual_seed(o.seed);
  XMAS_ASSIGN_OR_RETURN(torch::Dtype dtype, model::ParseDtype(o.dtype));
  XMAS_ASSIGN_OR_RETURN(torch::Device device, model::ParseDevice(o.device));
  XMAS_ASSIGN_OR_RETURN(model_, model::Model::Create(impl_->config, device, dtype, o.seed));
  if (!o.init.empty()) {
    XMAS_ASSIGN_OR_RETURN(auto report, model::LoadWeights(*model_, o.init));
    log::Info("init: loaded ", report.loaded, " tensors from ", o.init);
  }
  model_->train();
  impl_->params = ApplyTrainable(*model_, impl_->parts);
  int64_t count = 0;
  for (const auto& p : impl_->params) count += p.numel();
  log::Info("training ", impl_->parts.ToString(), ": ", count, " parameters");

  XMAS_ASSIGN_OR_RETURN(const Stage* stage, FindStage(o.stage));
  const double lr = o.learning_rate > 0 ? o.learning_rate : stage->learning_rate;
  torch::optim::AdamWOptions adam(lr);
  adam.betas({o.adam_beta1, o.adam_beta2}).eps(o.adam_eps).weight_decay(o.weight_decay);
  impl_->optimizer = std::make_unique<torch::optim::AdamW>(impl_->params, adam);
  // libtorch 1.13's zero_grad() zeroes gradients but keeps them defined, and
  // AdamW skips a parameter whose gradient is undefined. Defining every
  // gradient up front makes each step update the same parameters whether the
  // process started at step 0 or resumed mid-run: otherwise a text-only batch
  // (no gradient for the vision tower) right after --resume skipped the tower
  // that the uninterrupted run updated, and the runs drifted apart.
  for (auto& p : impl_->params) p.mutable_grad() = torch::zeros_like(p);
  state_.learning_rate = lr;
  return Status::Ok();
}

// Step counts, schedule, resume, metrics log.
Status Trainer::SetupProgress() {
  const TrainOptions& o = options_;
  dist::World& world = *impl_->world;
  impl_->sampler.batch_size = o.batch_size * world.size();  // global micro-batch
  impl_->sampler.grad_accum = o.grad_accum;
  impl_->sampler.seed = o.seed;
  impl_->sampler.group_by_modality = o.group_by_modality;
  impl_->micro_per_epoch = static_cast<int64_t>(EpochOrder(0).size());
  impl_->steps_per_epoch = (impl_->micro_per_epoch + o.grad_accum - 1) / o.grad_accum;
  const int64_t total = o.max_steps > 0 ? o.max_steps : o.epochs * impl_->steps_per_epoch;
  schedule_ = CosineSchedule(state_.learning_rate, total, o.warmup_ratio);

  state_.total_steps = total;
  state_.warmup_steps = schedule_.warmup_steps();
  state_.seed = o.seed;
  state_.batch_size = impl_->sampler.batch_size;
  state_.world_size = world.size();
  state_.grad_accum = o.grad_accum;
  state_.num_examples = static_cast<int64_t>(source_->size());
  state_.stage = o.stage;
  state_.trainable = impl_->parts.ToString();

  int64_t keep_metrics = -1;
  if (o.resume) {
    // The main process first tidies what a killed run left half-written.
    XMAS_RETURN_IF_ERROR(world.AgreeOk(world.is_main() ? RecoverInterruptedWrites(o.out) : Status::Ok()));
    XMAS_RETURN_IF_ERROR(world.AgreeOk(Resume()));
    if (state_.global_step > 0) keep_metrics = state_.global_step;
    // Every rank reads the checkpoint itself: RUN must be on a filesystem all see.
    XMAS_RETURN_IF_ERROR(world.CheckSame("--resume: the step each process resumes at (is --out on a "
                                         "filesystem every process sees?)",
                                         std::to_string(state_.global_step)));
  }
  // Identical weights on every rank from the start, whatever each one loaded.
  XMAS_RETURN_IF_ERROR(dist::BroadcastTensors(world, impl_->params));
  if (world.is_main()) {
    XMAS_ASSIGN_OR_RETURN(impl_->metrics, MetricsLog::Open((o.out + "/" + files::kMetricsLog), keep_metrics));
  }
  size_t images = 0;
  for (bool b : source_->has_image()) images += b;
  log::Info(source_->size(), " examples (", images, " with image, ", source_->size() - images,
            " text-only, ", source_->skipped(), " skipped); ", impl_->steps_per_epoch,
            " steps per epoch; ", total, " steps, ", schedule_.warmup_steps(), " warmup");
  return Status::Ok();
}

// Restores RUN's latest checkpoint (if any) over the freshly built model.
Status Trainer::Resume() {
  auto latest = LatestCheckpoint(options_.out);
  if (!latest.ok()) {
    log::Info(latest.status().message(), "; starting at step 0");
    return Status::Ok();
  }
  XMAS_ASSIGN_OR_RETURN(auto saved, RestoreCheckpoint(*latest, *model_, *impl_->optimizer));
  XMAS_RETURN_IF_ERROR(CheckCompatible(saved, state_, files::TrainerStatePath(*latest)));
  saved.world_size = state_.world_size;
  state_ = saved;
  log::Info("resuming from ", *latest, " (step ", state_.global_step, " of ", state_.total_steps, ")");
  return Status::Ok();
}

}  // namespace xmas::train
