// `xmas eval`: scores a trained model on benchmark files (bench_file.h).
//
// Every question is put through the llava_v1 chat template as a one-turn
// conversation ending on the human turn (the prompt ends in "ASSISTANT:"),
// the image is preprocessed exactly as in training (CLIP normalisation, pad
// to square, the vision tower's size), and the answer is decoded greedily
// with the KV cache (model/generate.h) until EOS or max_new_tokens. The
// decoded text is scored with the item's metric (metrics.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/eval/bench_file.h"
#include "xmas/eval/eval_report.h"
#include "xmas/model/model.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/status.h"

namespace xmas::eval {

struct EvalOptions {
  int64_t max_new_tokens = 16;
  int64_t batch_size = 8;        // prompts collated per generation call
  int64_t limit = 0;             // first N items of each benchmark (0 = all)
  std::string image_root;        // "" = look beside the benchmark files (ResolveImagePath)
  std::string default_metric = "exact_match";
  // When set, DIR/<benchmark>.predictions.jsonl gets one line per item (DIR is
  // created if missing):
  // {"id", "prediction", "gold", "metric", "score"}.
  std::string predictions_dir;
  bool show_progress = true;
  int threads = 0;               // torch intra-op threads (0 = leave as is)
};

// Scores `model` on each file of `bench_files`.
Result<EvalReport> EvaluateModel(model::Model& model, const text::Tokenizer& tokenizer,
                                 const std::vector<std::string>& bench_files, const EvalOptions& options);

// Loads a checkpoint directory (config.json + model.safetensors, and
// tokenizer.model unless `tokenizer_path` is given) on `device` and scores it
// on every benchmark file of `bench` (a file or a directory).
Result<EvalReport> EvaluateCheckpoint(const std::string& checkpoint, const std::string& bench,
                                      const std::string& tokenizer_path, const std::string& device,
                                      const EvalOptions& options);

}  // namespace xmas::eval
