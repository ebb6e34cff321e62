// Start-up decisions of a training run that do not involve the loop:
// which tokenizer, which model config.
#pragma once

#include <string>

#include "xmas/data/dataset.h"
#include "xmas/dist/world.h"
#include "xmas/model/config.h"
#include "xmas/text/tokenizer.h"
#include "xmas/train/train_options.h"
#include "xmas/util/status.h"

namespace xmas::train {

// The config named by --config, else the --init checkpoint's config.json.
// Usage error when neither is given.
Result<model::ModelConfig> ResolveRunConfig(const TrainOptions& options);

// Puts the run's tokenizer at `run_tokenizer` (RUN/tokenizer.model) and loads it.
// Source, first found: --tokenizer; the run's own file (on --resume);
// <init>/tokenizer.model; else a SentencePiece model trained on `dataset`'s
// text with `vocab` pieces (deterministic: single-threaded training).
Result<text::Tokenizer> ResolveRunTokenizer(const TrainOptions& options, const data::Dataset& dataset,
                                            int64_t vocab, const std::string& run_tokenizer);

// Data parallelism: rank 0 runs ResolveRunTokenizer (it alone writes RUN) and
// sends the model's bytes to the other ranks, which load them from memory, so
// no rank needs to see RUN or train a tokenizer of its own. A failure on rank
// 0 is returned on every rank.
Result<text::Tokenizer> ResolveSharedTokenizer(dist::World& world, const TrainOptions& options,
                                               const data::Dataset& dataset, int64_t vocab,
                                               const std::string& run_tokenizer);

// Makes `config` agree with `tokenizer`: the special ids always; the
// embedding rows (text.vocab_size = tokenizer.embedding_rows()) when
// `config_is_preset` (presets' vocab sizes are placeholders). A config file
// with fewer rows than the tokenizer needs is an error naming the file and the
// field (more is fine: real checkpoints pad their vocabulary).
Status FitConfigToTokenizer(const text::Tokenizer& tokenizer, bool config_is_preset,
                            const std::string& config_source, model::ModelConfig* config);

// True when --config names a preset rather than a file.
bool IsPresetName(const std::string& name);

}  // namespace xmas::train
