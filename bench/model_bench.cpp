// Model throughput: this machine's sgemm rate, and forward+backward of the
// `tiny` preset (a training step without the optimiser: vision tower
// frozen, connector + LLM trained), with achieved GFLOP/s from an exact
// matmul count. Threads: XMAS_BENCH_THREADS (default 2).
//
//   build-x/bench/bench_model --benchmark_min_time=5
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>

#include "xmas/model/model.h"

namespace {

using xmas::model::ModelConfig;

void SetThreads() {
  const char* env = std::getenv("XMAS_BENCH_THREADS");
  torch::set_num_threads(env ? std::atoi(env) : 2);
}

void BM_Sgemm(benchmark::State& state) {
  SetThreads();
  const int64_t n = state.range(0);
  torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  for (auto _ : state) {
    torch::mm_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * state.iterations() / 1e9,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sgemm)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

// Multiply-add FLOPs (x2) of one forward pass: every matmul, attention
// scores and weighted sums over the full (masked) L x L matrix included.
struct Flops {
  double vision = 0, trainable = 0;  // trainable: connector + LLM
};

Flops ForwardFlops(const ModelConfig& c, int64_t batch, int64_t len) {
  const auto& v = c.vision;
  const auto& t = c.text;
  const double n = v.num_tokens(), p = static_cast<double>(c.image_token_count());
  const double vis_layer = 2.0 * n * (4.0 * v.hidden_size * v.hidden_size + 2.0 * v.hidden_size * v.intermediate_size) +
                           4.0 * n * n * v.hidden_size;
  Flops f;
  f.vision = batch * (2.0 * v.num_patches() * v.num_channels * v.patch_size * v.patch_size * v.hidden_size +
                      c.resolved_feature_layer() * vis_layer);
  const double d = t.hidden_size, q = t.num_attention_heads * t.head_dim(), kv = t.num_key_value_heads * t.head_dim();
  const double llm_token = 2.0 * (d * q + 2 * d * kv + q * d + 3 * d * t.intermediate_size) + 4.0 * len * q;
  const double proj = 2.0 * p * (v.hidden_size * d + (c.projector_type == "mlp2x_gelu" ? d * d : 0));
  f.trainable = batch * (proj + len * (t.num_hidden_layers * llm_token + 2.0 * d * t.vocab_size));
  return f;
}

void BM_TinyForwardBackward(benchmark::State& state) {
  SetThreads();
  const int64_t batch = state.range(0), len = state.range(1);
  ModelConfig c = xmas::model::PresetConfig("tiny").value();
  auto model = xmas::model::Model::Create(c).value();
  model->FreezeVision();
  torch::manual_seed(0);
  xmas::model::Batch b;
  b.input_ids = torch::randint(3, c.text.vocab_size, {batch, len}, torch::kLong);
  b.labels = b.input_ids.clone();
  b.images = torch::randn({batch, 3, c.vision.image_size, c.vision.image_size});
  for (int64_t i = 0; i < batch; ++i) {
    b.image_begin.push_back(1);
    b.image_end.push_back(1 + c.image_token_count());
    b.labels[i].slice(0, 0, 1 + c.image_token_count()).fill_(xmas::model::kIgnoreIndex);
  }
  for (auto _ : state) {
    model->zero_grad();
    auto out = model->Forward(b);
    if (!out.ok()) {
      state.SkipWithError(out.status().message().c_str());
      break;
    }
    out->loss.backward();
  }
  const Flops f = ForwardFlops(c, batch, len);
  const double step_flops = f.vision + 3.0 * f.trainable;  // backward ~ 2x forward, frozen tower none
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(batch * len) * state.iterations(),
                                                  benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(step_flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  state.counters["GFLOP/step"] = step_flops / 1e9;
}
BENCHMARK(BM_TinyForwardBackward)->Args({8, 64})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
