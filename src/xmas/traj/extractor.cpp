#include "xmas/traj/extractor.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "xmas/data/dataset.h"
#include "xmas/model/device.h"
#include "xmas/model/weights.h"
#include "xmas/store/store.h"
#include "xmas/train/example_source.h"
#include "xmas/train/threads.h"
#include "xmas/traj/export_official.h"
#include "xmas/traj/extract_plan.h"
#include "xmas/traj/resume_state.h"
#include "xmas/traj/vision_cache.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"
#include "xmas/util/npy.h"
#include "xmas/util/progress.h"

namespace xmas::traj {

// The feature store's names (xmas::store).
using store::StoreWriter;
namespace feature = store::feature;
namespace {

namespace fs = std::filesystem;

// True if `dir` holds only what a run killed before its first progress.json
// leaves (StoreWriter::Create's ids.txt and valid.npy, and unfinished
// temporaries): such a directory is started over, not refused as the user's
// (found by tests/reliability/crash_trajectories_test.cpp).
bool OnlyAnUnstartedStore(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name != "ids.txt" && name != "valid.npy" && name.find(".tmp-") == std::string::npos) return false;
  }
  return !ec;
}

// The values of one checkpoint, in shard row order (batches may visit the
// rows in another order: extract_plan.h).
struct Columns {
  std::vector<float> svd, loss, el2n;
  std::vector<float> embed, coincide_image, coincide_text, image_embed, text_embed;
};

// Writes `n` values as row `slot` of a [rows, n] column (sized on first use).
void Put(std::vector<float>* col, size_t rows, size_t slot, const float* values, size_t n) {
  if (col->empty()) col->assign(rows * n, 0.0f);
  std::copy(values, values + n, col->begin() + static_cast<std::ptrdiff_t>(slot * n));
}

void Put(std::vector<float>* col, size_t rows, size_t slot, const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  Put(col, rows, slot, c.data_ptr<float>(), static_cast<size_t>(c.numel()));
}

torch::Tensor Unit(const torch::Tensor& v) { return v / v.norm().clamp_min(1e-12); }

class Runner {
 public:
  Runner(const ExtractOptions& o, ExtractPlan& plan, const data::Dataset& dataset,
         torch::Device device, torch::Dtype dtype)
      : o_(o), plan_(plan), dataset_(dataset), device_(device), dtype_(dtype),
        cache_(o.vision_cache_bytes), loader_(train::DefaultImageLoader()) {}

  Result<StoreWriter> OpenStore(ResumeState* state);
  Status RunCheckpoint(size_t c, StoreWriter* store, ResumeState* state, CheckpointTiming* t);
  int64_t vision_encodes() const { return vision_encodes_; }

 private:
  Result<model::Batch> MakeBatch(model::Model& model, const std::vector<size_t>& rows);
  Status AddValues(const std::vector<ExampleValues>& values, const std::vector<size_t>& rows,
                   bool with_static, Columns* cols);
  Status WriteCheckpoint(int64_t step, bool with_static, const Columns& cols, StoreWriter* store);
  Status ReAdd(int64_t step, bool with_static, StoreWriter* store);

  const ExtractOptions& o_;
  ExtractPlan& plan_;
  const data::Dataset& dataset_;
  torch::Device device_;
  torch::Dtype dtype_;
  VisionCache cache_;
  train::ImageLoader loader_;
  int64_t vision_encodes_ = 0;
};

Result<model::Batch> Runner::MakeBatch(model::Model& model, const std::vector<size_t>& rows) {
  const model::ModelConfig& config = plan_.config;
  const std::vector<float> blank(
      config.vision.num_channels * config.vision.image_size * config.vision.image_size, 0.0f);
  std::vector<const text::EncodedExample*> examples;
  std::vector<const std::vector<float>*> images;
  std::vector<std::vector<float>> loaded;
  loaded.reserve(rows.size());
  std::vector<torch::Tensor> features;  // per image, undefined = to encode
  std::vector<int64_t> missing;         // image slots to encode
  for (size_t i : rows) {
    const text::EncodedExample& ex = plan_.examples[i - plan_.first_row];
    examples.push_back(&ex);
    if (!ex.has_image()) {
      images.push_back(nullptr);
      continue;
    }
    torch::Tensor f = cache_.Find(i);
    if (!f.defined()) {
      const std::string path = (fs::path(o_.image_folder) / dataset_[i].image).string();
      auto pixels = loader_(path, config);
      if (!pixels.ok()) return pixels.status().WithPrefix(dataset_.Where(i) + ": field 'image'");
      loaded.push_back(std::move(pixels).value());
      missing.push_back(static_cast<int64_t>(features.size()));
    }
    images.push_back(f.defined() ? &blank : &loaded.back());
    features.push_back(f);
  }
  model::CollateOptions collate;
  collate.pad_token_id = config.pad_token_id;
  XMAS_ASSIGN_OR_RETURN(model::Batch batch, model::Collate(examples, images, config, collate));
  if (!missing.empty()) {
    torch::Tensor pixels = batch.images.index_select(0, torch::tensor(missing))
                               .to(device_, dtype_);
    XMAS_ASSIGN_OR_RETURN(torch::Tensor encoded, model.EncodeVision(pixels));
    encoded = encoded.to(torch::kCPU);
    vision_encodes_ += static_cast<int64_t>(missing.size());
    for (size_t m = 0; m < missing.size(); ++m) features[missing[m]] = encoded[m];
    size_t slot = 0;
    for (size_t i : rows) {
      if (!plan_.examples[i - plan_.first_row].has_image()) continue;
      cache_.Insert(i, features[slot++]);
    }
  }
  batch.images = torch::Tensor();
  if (!features.empty()) batch.vision_features = torch::stack(features).to(dtype_);
  return batch.To(device_);
}

Status Runner::AddValues(const std::vector<ExampleValues>& values, const std::vector<size_t>& rows,
                         bool with_static, Columns* cols) {
  const size_t n = plan_.rows();
  for (size_t b = 0; b < values.size(); ++b) {
    const ExampleValues& v = values[b];
    const size_t slot = rows[b] - plan_.first_row;
    if (plan_.request.svd) Put(&cols->svd, n, slot, v.singular.data(), v.singular.size());
    if ((plan_.request.loss && !v.loss_valid) || (plan_.request.el2n && !v.el2n_valid)) {
      return Status::Internal(dataset_.Where(rows[b]) + ": no answer token to score");
    }
    if (plan_.request.loss) Put(&cols->loss, n, slot, &v.loss, 1);
    if (plan_.request.el2n) Put(&cols->el2n, n, slot, &v.el2n, 1);
    if (!with_static) continue;
    std::vector<torch::Tensor> img, txt;
    for (const auto& p : v.parts) img.push_back(p.image), txt.push_back(p.text);
    if (o_.features.embed) {
      Put(&cols->embed, n, slot, CombineEmbedding(v.parts));
      Put(&cols->coincide_image, n, slot, Unit(torch::cat(img)));
      Put(&cols->coincide_text, n, slot, Unit(torch::cat(txt)));
    }
    if (o_.features.clip) {
      Put(&cols->image_embed, n, slot, v.parts.back().image);
      Put(&cols->text_embed, n, slot, v.parts.back().text);
    }
  }
  return Status::Ok();
}

Status Runner::WriteCheckpoint(int64_t step, bool with_static, const Columns& c,
                               StoreWriter* store) {
  if (plan_.request.svd) XMAS_RETURN_IF_ERROR(store->AddCheckpoint(feature::kSvd, step, c.svd.data(), plan_.request.top_k));
  if (plan_.request.loss) XMAS_RETURN_IF_ERROR(store->AddCheckpoint(feature::kLoss, step, c.loss.data(), -1));
  if (plan_.request.el2n) XMAS_RETURN_IF_ERROR(store->AddCheckpoint(feature::kEl2n, step, c.el2n.data(), -1));
  if (!with_static) return Status::Ok();
  // Widths from the config (features.h), not from the values: a shard without
  // rows (more shards than batch windows) writes the shapes the others do.
  const int64_t d = plan_.config.text.hidden_size;
  const int64_t layers = static_cast<int64_t>(plan_.embed_layers.size());
  if (o_.features.embed) {
    XMAS_RETURN_IF_ERROR(store->AddStatic(feature::kEmbed, c.embed.data(), 2 * d * layers));
    XMAS_RETURN_IF_ERROR(store->AddStatic(feature::kCoincideImage, c.coincide_image.data(), d * layers));
    XMAS_RETURN_IF_ERROR(store->AddStatic(feature::kCoincideText, c.coincide_text.data(), d * layers));
  }
  if (o_.features.clip) {
    XMAS_RETURN_IF_ERROR(store->AddStatic(feature::kImageEmbed, c.image_embed.data(), d));
    XMAS_RETURN_IF_ERROR(store->AddStatic(feature::kTextEmbed, c.text_embed.data(), d));
  }
  return Status::Ok();
}

// The feature files a finished checkpoint left (relative to the store).
std::vector<std::string> CheckpointFiles(const ExtractPlan& p, int64_t step) {
  std::vector<std::string> names;
  if (p.request.svd) names.push_back(feature::kSvd);
  if (p.request.loss) names.push_back(feature::kLoss);
  if (p.request.el2n) names.push_back(feature::kEl2n);
  for (auto& n : names) n += "/checkpoint-" + std::to_string(step) + ".npy";
  return names;
}

std::vector<std::string> StaticNames(const ExtractOptions& o) {
  std::vector<std::string> names;
  if (o.features.embed) names = {feature::kEmbed, feature::kCoincideImage, feature::kCoincideText};
  if (o.features.clip) {
    names.push_back(feature::kImageEmbed);
    names.push_back(feature::kTextEmbed);
  }
  return names;
}

Status Runner::ReAdd(int64_t step, bool with_static, StoreWriter* store) {
  for (const std::string& rel : CheckpointFiles(plan_, step)) {
    XMAS_ASSIGN_OR_RETURN(NpyArray a, ReadNpy(o_.out + "/" + rel));
    const std::string name = rel.substr(0, rel.find('/'));
    XMAS_RETURN_IF_ERROR(store->AddCheckpoint(name, step, a.as<float>(),
                                              a.shape.size() == 1 ? -1 : a.cols()));
  }
  if (!with_static) return Status::Ok();
  for (const std::string& name : StaticNames(o_)) {
    XMAS_ASSIGN_OR_RETURN(NpyArray a, ReadNpy(o_.out + "/" + name + ".npy"));
    XMAS_RETURN_IF_ERROR(store->AddStatic(name, a.as<float>(), a.cols()));
  }
  return Status::Ok();
}

Result<StoreWriter> Runner::OpenStore(ResumeState* state) {
  auto saved = ReadResumeState(o_.out);
  const bool resuming = saved.ok() && !o_.overwrite;
  if (!saved.ok() && saved.status().code() != Status::Code::kNotFound) return saved.status();
  if (resuming) {
    XMAS_RETURN_IF_ERROR(CheckSameSettings(saved->settings, state->settings, {"checkpoints"},
                                           o_.out + "/" + kResumeFile));
    state->finished = saved->finished;
    state->static_done = saved->static_done;
  }
  const bool unstarted = !saved.ok() && OnlyAnUnstartedStore(o_.out);
  if (resuming || unstarted) {  // this process alone writes o_.out (a shard has a folder of its own)
    XMAS_ASSIGN_OR_RETURN(const size_t removed, RemoveAbandonedTemporaries(o_.out));
    if (removed > 0) log::Info(o_.out, ": removed ", removed, " unfinished file(s) left by a killed run");
  }
  XMAS_ASSIGN_OR_RETURN(StoreWriter store, StoreWriter::Create(o_.out, plan_.ids, plan_.valid,
                                                               resuming || o_.overwrite || unstarted));
  for (auto it = state->finished.begin(); it != state->finished.end();) {
    const int64_t step = *it;
    const bool wanted = std::binary_search(plan_.steps.begin(), plan_.steps.end(), step);
    const bool with_static = state->static_done && step == plan_.embed_step;
    if (wanted) XMAS_RETURN_IF_ERROR(ReAdd(step, with_static, &store));
    it = wanted ? std::next(it) : state->finished.erase(it);
  }
  if (resuming && !state->finished.empty()) {
    log::Info(o_.out, ": resuming, ", state->finished.size(), " of ", plan_.steps.size(),
              " checkpoints already finished");
  }
  XMAS_RETURN_IF_ERROR(WriteResumeState(o_.out, *state));
  return store;
}

Status Runner::RunCheckpoint(size_t c, StoreWriter* store, ResumeState* state,
                             CheckpointTiming* timing) {
  const int64_t step = plan_.steps[c];
  timing->step = step;
  timing->examples = static_cast<int64_t>(plan_.rows());
  if (state->finished.count(step)) {
    timing->skipped = true;
    log::Info(files::CheckpointName(step), ": already finished, skipped");
    return Status::Ok();
  }
  const auto start = std::chrono::steady_clock::now();
  XMAS_ASSIGN_OR_RETURN(auto model, model::LoadModel(plan_.checkpoint_dirs[c], device_, dtype_));
  model->eval();
  const bool kept = cache_.UseWeights(HashVisionWeights(*model));
  if (c > 0 && !kept) log::Info(files::CheckpointName(step), ": vision tower changed; image features recomputed");
  BatchRequest request = plan_.request;
  const bool with_static = step == plan_.embed_step;
  if (with_static) request.embed_layers = plan_.embed_layers;
  Columns cols;
  Progress bar(files::CheckpointName(step), plan_.rows(), "ex");
  for (const auto& rows : plan_.batches) {
    XMAS_ASSIGN_OR_RETURN(model::Batch batch, MakeBatch(*model, rows));
    auto values = ExtractBatch(*model, batch, rows, request);
    if (!values.ok()) {
      return values.status().WithPrefix(dataset_.Where(rows.front()) + " (batch of " +
                                        std::to_string(rows.size()) + ")");
    }
    XMAS_RETURN_IF_ERROR(AddValues(*values, rows, with_static, &cols));
    bar.Add(rows.size());
  }
  bar.Finish();
  XMAS_RETURN_IF_ERROR(WriteCheckpoint(step, with_static, cols, store));
  state->finished.insert(step);
  if (with_static) state->static_done = true;
  XMAS_RETURN_IF_ERROR(WriteResumeState(o_.out, *state));
  timing->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::Info(files::CheckpointName(step), ": ", timing->examples, " examples in ", timing->seconds,
            " s (", timing->examples_per_second(), " examples/s)");
  return Status::Ok();
}

}  // namespace

Result<ExtractSummary> ExtractTrajectories(const ExtractOptions& o) {
  train::SetTorchThreads(o.threads);
  log::Debug("trajectories: ", train::ThreadSettings());
  XMAS_ASSIGN_OR_RETURN(torch::Device device, model::ParseDevice(o.device));
  XMAS_ASSIGN_OR_RETURN(torch::Dtype dtype, model::ParseDtype(o.dtype));
  XMAS_ASSIGN_OR_RETURN(data::Dataset dataset, data::Dataset::Load(o.data));
  XMAS_ASSIGN_OR_RETURN(ExtractPlan plan, PlanExtraction(o, dataset));
  ResumeState state;
  state.settings = plan.settings;
  if (o.shard_count > 1) {
    state.settings["shard"] = {{"index", o.shard_index}, {"count", o.shard_count},
                               {"first_row", plan.first_row}, {"rows", plan.rows()}};
  }
  Runner runner(o, plan, dataset, device, dtype);
  XMAS_ASSIGN_OR_RETURN(StoreWriter store, runner.OpenStore(&state));
  for (const auto& [key, value] : state.settings.items()) store.SetSetting(key, value);
  store.SetTopK(static_cast<int>(o.top_k));
  ExtractSummary summary;
  for (size_t c = 0; c < plan.steps.size(); ++c) {
    CheckpointTiming timing;
    XMAS_RETURN_IF_ERROR(runner.RunCheckpoint(c, &store, &state, &timing));
    summary.checkpoints.push_back(timing);
  }
  XMAS_RETURN_IF_ERROR(store.Finish());
  summary.vision_encodes = runner.vision_encodes();
  if (!o.export_official.empty()) XMAS_RETURN_IF_ERROR(ExportOfficial(o.out, o.export_official));
  return summary;
}

}  // namespace xmas::traj
