// Everything `xmas train` can be told (tools/xmas/cmd_train.cpp parses it).
//
// Stages follow LLaVA:
//   pretrain   caption data, `plain` template, trains the connector only
//              (lr 1e-3 by default);
//   finetune   instruction data, `llava_v1` template, trains the connector and
//              the LLM with the vision tower frozen (the XMAS proxy recipe,
//              docs/method.md §2 step 2; lr 2e-5 by default).
// `trainable` and `template_name` override the stage's choice (the demo has no
// pretrained CLIP, so its pretrain stage trains everything).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace xmas::dist {
class World;  // xmas/dist/world.h
}

namespace xmas::train {

struct TrainOptions {
  // Inputs.
  std::string data;          // LLaVA JSON
  std::string image_folder;  // image paths in the JSON are relative to it
  std::string config;        // preset name or config.json (or a directory holding one);
                             // empty: the --init checkpoint's config
  std::string tokenizer;     // SentencePiece .model; empty: <init>/tokenizer.model if
                             // present, else one is trained on the data's text
  std::string init;          // checkpoint directory to start from (weights only)

  // Output.
  std::string out;         // RUN directory
  bool resume = false;     // continue from RUN's latest checkpoint
  bool overwrite = false;  // clear an earlier run's outputs in RUN first

  // Recipe.
  std::string stage = "finetune";  // "pretrain" | "finetune"
  std::string trainable;           // e.g. "connector,llm"; empty: the stage's default
  std::string template_name;       // "plain" | "llava_v1"; empty: the stage's default
  double learning_rate = 0;        // 0: the stage's default
  double weight_decay = 0;
  double warmup_ratio = 0.03;
  double max_grad_norm = 1.0;      // <= 0 disables clipping
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_eps = 1e-8;
  int64_t batch_size = 4;          // examples per forward pass (per process: see `world`)
  int64_t grad_accum = 1;          // forward passes per optimizer step
  int64_t epochs = 1;
  int64_t max_steps = 0;           // > 0 overrides epochs
  int64_t max_length = 0;          // tokens per example; 0: max_position_embeddings
  bool group_by_modality = true;
  uint64_t seed = 42;

  // Bookkeeping.
  int64_t save_every = 0;          // checkpoint every N optimizer steps (0: none)
  int64_t tokenizer_vocab = 0;     // when training a tokenizer; 0: from the config
  int64_t threads = 1;             // torch intra-op threads (1: see BENCHMARKS.md "Training")
  std::string device = "cpu";      // "cpu" | "cuda" | "cuda:N"
  std::string dtype = "float32";
  bool skip_bad_records = false;   // --on-error skip: drop records that fail to encode
  int64_t stop_after_steps = 0;    // testing aid: return after this many steps of
                                   // this invocation (simulates an interrupted job)

  // Data parallelism: the processes of the job (dist::JoinFromEnv); null or
  // one process: train alone. With N processes a global micro-batch is
  // batch_size x N examples cut in N slices, one per rank, and gradients are
  // summed across ranks, so the run equals one process with batch_size x N
  // (up to float rounding). Rank 0 alone writes RUN.
  std::shared_ptr<dist::World> world;
};

}  // namespace xmas::train
