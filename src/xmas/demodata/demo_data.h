// `xmas demo-data`: a small LLaVA-format visual instruction-tuning set with
// the structure of LLaVA-665k (sources of very different sizes, duplicates,
// paraphrased near duplicates, a little label noise, ~6% text-only), a
// caption set for the pretrain stage, and held-out benchmarks.
//
// Output (all paths relative to DIR):
//   train.json          finetune mixture (LLaVA JSON list)
//   pretrain.json       image -> short caption (the plain template's stage)
//   bench/<name>.json   one file per benchmark; each record has the gold
//                       "answer", the "metric" (exact_match, yes_no,
//                       multiple_choice, token_f1), "benchmark" and, for
//                       multiple choice, "choices"
//   images/<source>/... PNG images; record "image" fields are relative to
//                       DIR/images (LLaVA's --image_folder convention)
//   manifest.json       counts per source, redundancy/noise counts, the ids
//                       of records with a wrong answer, benchmarks, settings
//   truth.json          per training record: source, task, duplicate group,
//                       paraphrase_of, noisy, words (writer.h, docs/formats.md)
// Sizes small and bench are the LLaVA-like mixture; stress is the stress
// mixture (stress_mixture.h) with its own counts.
// The same options and seed give byte-identical files. The directory is
// built beside DIR and renamed into place when complete.
#pragma once

#include <cstdint>
#include <string>

#include "xmas/demodata/fashion_mnist.h"
#include "xmas/demodata/font.h"
#include "xmas/util/status.h"

namespace xmas::demodata {

enum class DemoSize { kSmall, kBench, kStress };
Result<DemoSize> ParseDemoSize(const std::string& name);  // "small", "bench" or "stress"
const char* DemoSizeName(DemoSize size);

struct DemoDataOptions {
  std::string out_dir;
  DemoSize size = DemoSize::kSmall;
  uint64_t seed = 0;
  int image_size = 32;  // 32 or 64 pixels square
  std::string fashion_mnist_dir = kDefaultFashionMnistDir;
  std::string font_path = kDefaultFontPath;
  // Replace an existing output directory, only if it holds an earlier
  // demo-data output (its manifest.json says so); other directories are
  // never deleted.
  bool overwrite = false;
  // Multiplies every count of the size (tests use a fraction to stay fast).
  double scale_counts = 1.0;
  // Multiplies the questions per benchmark instead of scale_counts (0 = use
  // scale_counts): a small training set can keep enough held-out questions.
  double bench_scale = 0.0;
  // Multiplies the captions (pretrain.json) instead of scale_counts (0 = use
  // scale_counts): a scaled-down training set can keep every alignment image.
  double pretrain_scale = 0.0;
};

// The numbers of one size: records in train/pretrain and per benchmark.
struct DemoSizes {
  int train = 0;
  int pretrain = 0;
  int per_benchmark = 0;
};
DemoSizes SizesFor(DemoSize size, double scale_counts = 1.0, double bench_scale = 0.0,
                   double pretrain_scale = 0.0);

struct DemoDataSummary {
  size_t train_records = 0;
  size_t pretrain_records = 0;
  size_t bench_records = 0;
  size_t benchmarks = 0;
  size_t images = 0;
  uint64_t image_bytes = 0;
  double seconds = 0;
};

// Generates everything. Errors: unusable options (usage), Fashion-MNIST or
// the font missing (the message names the Debian package), output not
// writable, or an existing non-empty output without `overwrite`.
Status GenerateDemoData(const DemoDataOptions& options, DemoDataSummary* summary = nullptr);

}  // namespace xmas::demodata
