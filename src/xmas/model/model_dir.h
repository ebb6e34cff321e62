// Model directories (config.json + model.safetensors) for the CLI:
// `xmas model init` creates a randomly initialised one, `xmas model info`
// summarises one (real LLaVA checkpoints included) without loading weights.
#pragma once

#include <cstdint>
#include <string>

#include "xmas/model/config.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/status.h"

namespace xmas::model {

// Sets the vocabulary size and the pad/bos/eos/image ids from a tokenizer
// (the image id is one past its vocabulary, see text/tokenizer.h).
void ApplyTokenizer(const text::Tokenizer& tokenizer, ModelConfig* config);

struct InitOptions {
  std::string config = "tiny";  // preset name or config.json path (see ResolveConfig)
  std::string output_dir;       // created if missing; must be empty unless overwrite
  std::string tokenizer;        // optional SentencePiece .model: ApplyTokenizer
  std::string dtype = "float32";
  uint64_t seed = 0;
  bool overwrite = false;
};

// Builds a random model and writes config.json + model.safetensors.
Status InitModelDir(const InitOptions& options);

// A human-readable summary: architecture sizes, parameter counts (from the
// config) and the weight files' tensor count, dtypes and size.
Result<std::string> DescribeModelDir(const std::string& dir);

}  // namespace xmas::model
