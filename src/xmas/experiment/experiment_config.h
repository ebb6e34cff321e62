// One experiment, described by one JSON file (configs/demo.json, configs/bench.json):
// the data, the proxy and target models with their training recipes, the
// proxy checkpoints used for trajectories (T), the selection methods, budgets
// and seeds, and the evaluation settings. docs/experiments.md documents every
// field with its default; unknown fields are an error (a typo must not
// silently fall back to a default and waste a long run).
//
//   {"name": "demo",
//    "data": {"demo": {"size": "small", "seed": 0}},     // or train/pretrain/images/bench paths
//    "tokenizer": {"vocab_size": 1000},
//    "proxy":  {"model": "tiny", "pretrain": {...}, "finetune": {..., "save_every": 20}},
//    "trajectories": {"checkpoints": 5, "mode": "attention", "top_k": 5},
//    "selection": {"methods": ["xmas", "random"], "budgets": [20, 50], "seeds": [0, 1, 2],
//                  "clusters": 50},
//    "target": {"model": "tiny", "pretrain": {...}, "finetune": {...}},
//    "eval": {"max_new_tokens": 8, "batch_size": 16}}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/util/status.h"

namespace xmas::experiment {

// One training stage's recipe (pretrain = connector only on captions,
// finetune = connector + LLM on instructions).
struct TrainSettings {
  int64_t epochs = 1;
  int64_t max_steps = 0;        // 0 = the epochs decide
  double learning_rate = 2e-5;
  double warmup_ratio = 0.03;
  double weight_decay = 0.0;
  int64_t batch_size = 8;
  int64_t grad_accum = 1;
  int64_t max_length = 0;       // 0 = no truncation
  int64_t save_every = 0;       // proxy fine-tuning: a checkpoint every N steps
  uint64_t seed = 0;
  std::string trainable;        // e.g. "vision,connector,llm" ("" = the stage's default)
  nlohmann::json ToJson() const;
};

// How the fine-tuned targets share compute (target only; issue 16).
//   kEqualEpochs  the paper's setting: every target trains finetune.epochs
//                 epochs over its own data, so a 10% subset gets 10% of the
//                 full data's optimizer steps.
//   kEqualSteps   every fine-tuned target (the full-data one included) takes
//                 the same number of optimizer steps: `steps`, or when 0 the
//                 full data's finetune.epochs x ceil(ceil(N / batch) / grad_accum).
//                 A subset then repeats its examples over more epochs.
enum class ComputeMode { kEqualEpochs, kEqualSteps };
const char* ComputeModeName(ComputeMode mode);  // "equal-epochs" | "equal-steps"

struct ModelSettings {
  std::string model = "tiny";   // a preset name or a config.json path
  // The caption-alignment stage (stage "pretrain" on every caption of the
  // pretrain set): run once per role, cached, and the start of every
  // fine-tuned model of that role (target: the full-data one and every subset's).
  bool pretrain_enabled = true;
  TrainSettings pretrain;
  TrainSettings finetune;
  ComputeMode compute = ComputeMode::kEqualEpochs;  // read for the target only
  int64_t compute_steps = 0;                        // kEqualSteps: 0 = the full data's steps
};

struct DataSettings {
  // Generated demo data (`xmas demo-data`), when demo_size is set ...
  std::string demo_size;        // "small" | "bench" | "stress" | "" (use the paths below)
  uint64_t demo_seed = 0;
  double demo_scale = 1.0;      // multiplies every record count (small CI runs)
  double demo_bench_scale = 0;  // questions per benchmark instead (0 = demo_scale)
  double demo_pretrain_scale = 0;  // captions (the alignment stage's images) instead (0 = demo_scale)
  int64_t demo_image_size = 32; // 32 or 64 pixels square
  // ... or explicit paths (relative paths are relative to the config file).
  std::string train;            // LLaVA JSON used for selection and fine-tuning
  std::string pretrain;         // caption JSON for the pretraining stage ("" = none)
  std::string images;           // image root of both
  std::string bench;            // a directory of benchmark files
  bool uses_demo() const { return !demo_size.empty(); }
};

struct TokenizerSettings {
  std::string path;             // an existing .model file, or "" to train one
  int64_t vocab_size = 1000;    // when training one on the training text
};

struct TrajectorySettings {
  int64_t checkpoints = 5;      // T: the last T proxy checkpoints are used (0 = all)
  std::string mode = "attention";  // "attention" | "official"
  int64_t top_k = 5;
  int64_t batch_size = 8;
  std::vector<int64_t> layers;  // hooked decoder layers (empty = all)
};

struct SelectionSettings {
  std::vector<std::string> methods = {"xmas", "random"};
  std::vector<double> budgets = {20, 50};  // percent of the training set
  std::vector<uint64_t> seeds = {0};       // seeds of stochastic methods (random: each one)
  int64_t clusters = 0;                    // k-means K (0 = the selector's default)
  nlohmann::json extra = nlohmann::json::object();  // method-specific options, passed through
};

struct EvalSettings {
  int64_t max_new_tokens = 16;
  int64_t batch_size = 8;
  int64_t limit = 0;            // items per benchmark (0 = all)
};

struct ExperimentConfig {
  std::string name;
  std::string path;             // the config file (for messages and relative paths)
  std::string device = "cpu";   // "cpu" | "cuda" | "cuda:N"
  int64_t threads = 1;          // torch intra-op threads for every step (1: see BENCHMARKS.md, Training)
  DataSettings data;
  TokenizerSettings tokenizer;
  ModelSettings proxy;
  TrajectorySettings trajectories;
  SelectionSettings selection;
  ModelSettings target;
  EvalSettings eval;
};

// The fine-tuning recipe every target of `target` trains with, given the
// full training set's size: finetune unchanged for kEqualEpochs; for
// kEqualSteps finetune with max_steps = EqualSteps(target, full_examples).
int64_t EqualSteps(const ModelSettings& target, size_t full_examples);
TrainSettings TargetFinetuneRecipe(const ModelSettings& target, size_t full_examples);
// One sentence for the results table: which compute mode ran and what it means.
std::string DescribeCompute(const ModelSettings& target, size_t full_examples);

// Parses a config. Errors are one line naming the file and the field, e.g.
// "configs/demo.json: field 'selection.budgets[1]': expected a number in (0, 100]".
Result<ExperimentConfig> ParseExperimentConfig(const std::string& json_text,
                                               const std::string& path);
Result<ExperimentConfig> LoadExperimentConfig(const std::string& path);

// Canonical JSON of everything that shapes results (not the name or paths of
// the config itself), for the report and for cache keys.
nlohmann::json ConfigToJson(const ExperimentConfig& config);

}  // namespace xmas::experiment
