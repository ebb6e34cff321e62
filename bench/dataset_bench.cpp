// Dataset benchmarks: Dataset::Parse / Load, Conversations, unique_idx.
//
//   build/bench/bench_dataset                       # small synthetic inputs
//   XMAS_BENCH_DATASET=/tmp/llava665k.json /usr/bin/time -v \
//       build/bench/bench_dataset --benchmark_filter=LoadFile
//
// The 665k file comes from bench/gen_llava665k.py (see BENCHMARKS.md).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "xmas/data/dataset.h"

namespace {

using xmas::data::Dataset;
using xmas::data::LoadOptions;

std::string SyntheticJson(size_t n) {
  std::string json = "[\n";
  for (size_t i = 0; i < n; ++i) {
    if (i) json += ",\n";
    const std::string id = std::to_string(100000 + i % (n - n / 100));  // ~1% repeated ids
    json += "  {\"id\": \"" + id + "\", \"image\": \"coco/train2017/" + id +
            ".jpg\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>\\nWhat is in the picture?\"}, "
            "{\"from\": \"gpt\", \"value\": \"A small dog is sitting on a red sofa next to a window.\"}]}";
  }
  return json + "\n]\n";
}

LoadOptions Quiet() {
  LoadOptions options;
  options.show_progress = false;
  return options;
}

void BM_Parse(benchmark::State& state) {
  const std::string json = SyntheticJson(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto ds = Dataset::Parse(json, "bench.json", Quiet());
    if (!ds.ok()) state.SkipWithError(ds.status().message().c_str());
    benchmark::DoNotOptimize(ds);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Parse)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_Conversations(benchmark::State& state) {
  auto ds = Dataset::Parse(SyntheticJson(10000), "bench.json", Quiet());
  size_t i = 0;
  for (auto _ : state) {
    auto turns = ds->Conversations(i++ % ds->size());
    benchmark::DoNotOptimize(turns);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Conversations);

// Loads $XMAS_BENCH_DATASET once (skipped when unset).
void BM_LoadFile(benchmark::State& state) {
  const char* path = std::getenv("XMAS_BENCH_DATASET");
  if (path == nullptr) {
    state.SkipWithError("set XMAS_BENCH_DATASET to a LLaVA JSON file");
    return;
  }
  for (auto _ : state) {
    auto ds = Dataset::Load(path, Quiet());
    if (!ds.ok()) {
      state.SkipWithError(ds.status().message().c_str());
      break;
    }
    state.counters["records"] = static_cast<double>(ds->size());
  }
}
BENCHMARK(BM_LoadFile)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
