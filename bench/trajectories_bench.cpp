// Per-checkpoint cost of trajectory extraction on the `tiny` preset: one
// ExtractBatch (forward pass + per-example features) over hand-built batches
// shaped like the demo data (16 image tokens, ~96 tokens per example), with
// vision features precomputed as the extractor's cache provides them after
// the first checkpoint. Reports examples/s (items_per_second).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "xmas/model/model.h"
#include "xmas/traj/batch_extract.h"

namespace {

using xmas::traj::BatchRequest;

struct Setup {
  std::shared_ptr<xmas::model::Model> model;
  xmas::model::Batch batch;
  std::vector<size_t> rows;
};

Setup Make(int64_t batch_size) {
  Setup s;
  auto config = *xmas::model::PresetConfig("tiny");
  s.model = *xmas::model::Model::Create(config, torch::kCPU, torch::kFloat32, 1);
  s.model->eval();
  torch::manual_seed(2);
  const int64_t len = 96, p = config.image_token_count();
  auto& b = s.batch;
  b.input_ids = torch::randint(3, 1000, {batch_size, len});
  b.attention_mask = torch::ones({batch_size, len}, torch::kBool);
  b.labels = torch::full({batch_size, len}, xmas::model::kIgnoreIndex, torch::kInt64);
  b.labels.narrow(1, len - 30, 30).copy_(b.input_ids.narrow(1, len - 30, 30));
  for (int64_t i = 0; i < batch_size; ++i) {
    const int64_t real = len - (i * 7) % 40;  // ragged lengths: padding as in real batches
    b.attention_mask[i].narrow(0, real, len - real).fill_(false);
    b.image_begin.push_back(40);
    b.image_end.push_back(40 + p);
    s.rows.push_back(i);
  }
  torch::NoGradGuard no_grad;
  b.vision_features = *s.model->EncodeVision(torch::randn({batch_size, 3, 32, 32}));
  return s;
}

void Run(benchmark::State& state, BatchRequest request) {
  torch::set_num_threads(static_cast<int>(state.range(1)));
  Setup s = Make(state.range(0));
  for (auto _ : state) {
    auto v = xmas::traj::ExtractBatch(*s.model, s.batch, s.rows, request);
    benchmark::DoNotOptimize(v.ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BatchRequest Svd(xmas::traj::CrossModalMode mode) {
  BatchRequest r;
  r.mode = mode;
  r.svd_layers = {0, 1, 2, 3};
  return r;
}

void BM_AttentionSvd(benchmark::State& s) { Run(s, Svd(xmas::traj::CrossModalMode::kAttention)); }
void BM_OfficialSvd(benchmark::State& s) { Run(s, Svd(xmas::traj::CrossModalMode::kOfficial)); }
void BM_AllFeatures(benchmark::State& s) {
  BatchRequest r = Svd(xmas::traj::CrossModalMode::kAttention);
  r.loss = r.el2n = true;
  r.embed_layers = {0, 1, 2, 3};
  Run(s, r);
}

BENCHMARK(BM_AttentionSvd)->Args({16, 2})->Args({16, 1})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OfficialSvd)->Args({16, 2})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AllFeatures)->Args({16, 2})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
