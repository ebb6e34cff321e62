// Greedy decoding for evaluation: the prompt (with its image) is run once,
// then one token at a time through the KV cache.
#pragma once

#include <cstdint>
#include <vector>

#include "xmas/model/batch.h"
#include "xmas/model/model.h"
#include "xmas/util/status.h"

namespace xmas::model {

struct GenerateOptions {
  int64_t max_new_tokens = 64;
  int64_t eos_token_id = -1;  // stop after emitting it (-1 = config.eos_token_id)
  bool use_cache = true;      // false recomputes the whole sequence each step (reference path)
};

// Greedy continuation of every example of `prompts` (labels ignored; each
// row is decoded on its own, so padding does not matter). Returns the new
// tokens per example, the eos token included when emitted.
Result<std::vector<std::vector<int64_t>>> GenerateGreedy(Model& model, const Batch& prompts,
                                                         const GenerateOptions& options = {});

}  // namespace xmas::model
