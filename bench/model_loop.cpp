// bench_model_loop: the model loop of bench/model_loop_bench.sh.
//
//   bench_model_loop dump-traj  RUN  DATA IMAGES BATCH OUT [consecutive]
//   bench_model_loop dump-train INIT DATA IMAGES BATCH SEED STEPS OUT
//   bench_model_loop traj  RUN  DATA IMAGES BATCH THREADS OUT
//   bench_model_loop train FROM DATA IMAGES BATCH SEED STEPS SAVE_EVERY LR THREADS OUT [VOCAB]
//   bench_model_loop demo-data OUT
//
// dump-*: the exact batches `xmas trajectories` / `xmas train` feed the
// model, as .npy files, so that the plain PyTorch reference
// (bench/ref_model.py) computes on the same token ids, pixels, padding and
// order. dump-traj: the batches of `xmas trajectories --run RUN --batch-size
// BATCH` (its extraction plan; with `consecutive`: runs of BATCH records in
// dataset order instead, as a plain script would batch and xmas did before
// its length-sorted windows). dump-train: the first STEPS micro-batches of
// `xmas train --init INIT --batch-size BATCH --seed SEED --stage finetune`
// (a throwaway run folder OUT/run). OUT/b<i>_{ids,labels,mask,span,rows,img}.npy
// per batch, OUT/batches.json.
//
// traj / train / demo-data: the library calls `xmas trajectories`, `xmas
// train` (FROM: a folder = --init, else --config; VOCAB = --tokenizer-vocab;
// --stage finetune) and `xmas demo-data --seed 1` make with those options
// (the CLI parses arguments only), for building and measuring without the
// whole CLI (the eval and select components); their log lines are the CLI's.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/data/dataset.h"
#include "xmas/demodata/demo_data.h"
#include "xmas/model/batch.h"
#include "xmas/train/example_source.h"
#include "xmas/train/train.h"
#include "xmas/train/trainer.h"
#include "xmas/traj/extract_plan.h"
#include "xmas/traj/extractor.h"
#include "xmas/util/npy.h"

namespace {

using xmas::Result;
using xmas::Status;

Status WriteTensor(const std::string& path, const torch::Tensor& t, bool is_float) {
  torch::Tensor c = (t.dim() == 1 ? t.unsqueeze(1) : t.flatten(1)).contiguous();  // [rows, cols]
  if (is_float) {
    c = c.to(torch::kFloat32).contiguous();
    return xmas::WriteNpy(path, xmas::NpyType::kFloat32, c.data_ptr(), c.size(0), c.size(1));
  }
  c = c.to(torch::kInt64).contiguous();
  return xmas::WriteNpy(path, xmas::NpyType::kInt64, c.data_ptr(), c.size(0), c.size(1));
}

Status WriteBatch(const std::string& out, size_t index, const xmas::model::Batch& b,
                  const std::vector<size_t>& rows, const xmas::model::ModelConfig& config) {
  const std::string prefix = out + "/b" + std::to_string(index) + "_";
  std::vector<int64_t> span;
  for (int64_t r = 0; r < b.batch_size(); ++r) {
    span.push_back(b.image_begin[r]);
    span.push_back(b.image_end[r]);
  }
  torch::Tensor mask = b.attention_mask.defined()
                           ? b.attention_mask
                           : torch::ones({b.batch_size(), b.seq_len()}, torch::kBool);
  const int64_t pixels = config.vision.num_channels * config.vision.image_size * config.vision.image_size;
  torch::Tensor images = b.images.defined() ? b.images : torch::zeros({0, pixels});
  XMAS_RETURN_IF_ERROR(WriteTensor(prefix + "ids.npy", b.input_ids, false));
  XMAS_RETURN_IF_ERROR(WriteTensor(prefix + "labels.npy", b.labels, false));
  XMAS_RETURN_IF_ERROR(WriteTensor(prefix + "mask.npy", mask, false));
  XMAS_RETURN_IF_ERROR(WriteTensor(prefix + "span.npy", torch::tensor(span).view({-1, 2}), false));
  const std::vector<int64_t> row_ids(rows.begin(), rows.end());
  XMAS_RETURN_IF_ERROR(WriteTensor(prefix + "rows.npy", torch::tensor(row_ids), false));
  return WriteTensor(prefix + "img.npy", images, true);
}

Status WriteMeta(const std::string& out, size_t batches, const xmas::model::ModelConfig& c) {
  nlohmann::json meta;
  meta["batches"] = batches;
  meta["image_shape"] = {c.vision.num_channels, c.vision.image_size, c.vision.image_size};
  std::ofstream(out + "/batches.json") << meta.dump() << "\n";
  return Status::Ok();
}

Status DumpTraj(char** argv) {
  xmas::traj::ExtractOptions o;
  o.run = argv[2];
  o.data = argv[3];
  o.image_folder = argv[4];
  o.batch_size = std::stoll(argv[5]);
  o.out = argv[6];
  XMAS_ASSIGN_OR_RETURN(auto dataset, xmas::data::Dataset::Load(o.data));
  XMAS_ASSIGN_OR_RETURN(auto plan, xmas::traj::PlanExtraction(o, dataset));
  if (argv[7] != nullptr && std::string(argv[7]) == "consecutive") {
    plan.batches = xmas::traj::ShardBatches(dataset.size(), o.batch_size, 0, 1);
  }
  auto loader = xmas::train::DefaultImageLoader();
  for (size_t k = 0; k < plan.batches.size(); ++k) {
    std::vector<const xmas::text::EncodedExample*> examples;
    std::vector<std::vector<float>> pixels;
    pixels.reserve(plan.batches[k].size());
    std::vector<const std::vector<float>*> images;
    for (size_t i : plan.batches[k]) {
      const auto& ex = plan.examples[i - plan.first_row];
      examples.push_back(&ex);
      if (!ex.has_image()) {
        images.push_back(nullptr);
        continue;
      }
      XMAS_ASSIGN_OR_RETURN(auto p, loader(o.image_folder + "/" + dataset[i].image, plan.config));
      pixels.push_back(std::move(p));
      images.push_back(&pixels.back());
    }
    xmas::model::CollateOptions collate;
    collate.pad_token_id = plan.config.pad_token_id;
    XMAS_ASSIGN_OR_RETURN(auto batch, xmas::model::Collate(examples, images, plan.config, collate));
    XMAS_RETURN_IF_ERROR(WriteBatch(o.out, k, batch, plan.batches[k], plan.config));
  }
  return WriteMeta(o.out, plan.batches.size(), plan.config);
}

Status DumpTrain(char** argv) {
  xmas::train::TrainOptions o;
  o.init = argv[2];
  o.data = argv[3];
  o.image_folder = argv[4];
  o.batch_size = std::stoll(argv[5]);
  o.seed = std::stoull(argv[6]);
  const size_t steps = std::stoull(argv[7]);
  const std::string out = argv[8];
  o.out = out + "/run";
  o.overwrite = true;
  o.max_steps = static_cast<int64_t>(steps);
  XMAS_ASSIGN_OR_RETURN(auto trainer, xmas::train::Trainer::Create(o));
  const auto& order = trainer->EpochOrder(0);
  if (order.size() < steps) return Status::Usage("more steps than one epoch's micro-batches");
  xmas::model::ModelConfig config = trainer->model().config();
  for (size_t k = 0; k < steps; ++k) {
    XMAS_ASSIGN_OR_RETURN(auto batch, trainer->MakeBatch(order[k]));
    XMAS_RETURN_IF_ERROR(WriteBatch(out, k, batch, order[k], config));
  }
  return WriteMeta(out, steps, config);
}

Status RunTraj(char** argv) {
  xmas::traj::ExtractOptions o;
  o.run = argv[2];
  o.data = argv[3];
  o.image_folder = argv[4];
  o.batch_size = std::stoll(argv[5]);
  o.threads = std::stoll(argv[6]);
  o.out = argv[7];
  o.overwrite = true;
  return xmas::traj::ExtractTrajectories(o).status();
}

Status RunTrain(char** argv) {
  xmas::train::TrainOptions o;
  (std::filesystem::is_directory(argv[2]) ? o.init : o.config) = argv[2];
  o.data = argv[3];
  o.image_folder = argv[4];
  o.batch_size = std::stoll(argv[5]);
  o.seed = std::stoull(argv[6]);
  o.max_steps = std::stoll(argv[7]);
  o.save_every = std::stoll(argv[8]);
  o.learning_rate = std::stod(argv[9]);
  o.threads = std::stoll(argv[10]);
  o.out = argv[11];
  o.overwrite = true;
  if (argv[12] != nullptr) o.tokenizer_vocab = std::stoll(argv[12]);
  return xmas::train::Train(o);
}

Status DemoData(char** argv) {
  xmas::demodata::DemoDataOptions o;
  o.out_dir = argv[2];
  o.seed = 1;
  return xmas::demodata::GenerateDemoData(o);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool ok = (mode == "dump-traj" && (argc == 7 || argc == 8)) || (mode == "dump-train" && argc == 9) ||
                  (mode == "traj" && argc == 8) || (mode == "train" && (argc == 12 || argc == 13)) ||
                  (mode == "demo-data" && argc == 3);
  if (!ok) {
    std::fprintf(stderr,
                 "usage: bench_model_loop dump-traj RUN DATA IMAGES BATCH OUT [consecutive]\n"
                 "       bench_model_loop dump-train INIT DATA IMAGES BATCH SEED STEPS OUT\n"
                 "       bench_model_loop traj RUN DATA IMAGES BATCH THREADS OUT\n"
                 "       bench_model_loop train FROM DATA IMAGES BATCH SEED STEPS SAVE_EVERY LR THREADS OUT [VOCAB]\n"
                 "       bench_model_loop demo-data OUT\n");
    return 2;
  }
  Status st = Status::Ok();
  if (mode == "dump-traj" || mode == "dump-train") {
    std::filesystem::create_directories(mode == "dump-traj" ? argv[6] : argv[8]);
    st = mode == "dump-traj" ? DumpTraj(argv) : DumpTrain(argv);
  } else if (mode == "demo-data") {
    st = DemoData(argv);
  } else {
    st = mode == "traj" ? RunTraj(argv) : RunTrain(argv);
  }
  if (!st.ok()) {
    std::fprintf(stderr, "bench_model_loop: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
