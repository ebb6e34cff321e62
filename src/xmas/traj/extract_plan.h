// What an extraction will do, decided before any forward pass: the
// checkpoints, the model config and tokenizer, the template, the encoded
// examples of this shard, the batches, and the settings recorded in the
// store's manifest.
//
// Batches are runs of batch_size consecutive examples in dataset order, the
// same for every checkpoint. A shard takes a contiguous run of whole batches,
// so shard I computes exactly the batches the single process would, and
// merging the shards reproduces the single-process store bit for bit (even
// in official mode, whose values depend on the batch's padding).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/data/dataset.h"
#include "xmas/model/config.h"
#include "xmas/text/chat_template.h"
#include "xmas/traj/batch_extract.h"
#include "xmas/traj/extract_options.h"
#include "xmas/util/status.h"

namespace xmas::traj {

struct ExtractPlan {
  std::vector<int64_t> steps;              // ascending
  std::vector<std::string> checkpoint_dirs;
  model::ModelConfig config;               // of the first checkpoint
  std::string tokenizer_path;
  text::TemplateOptions template_options;
  BatchRequest request;                    // per-checkpoint request (no embed layers)
  std::vector<int64_t> embed_layers;       // used at embed_step only
  int64_t embed_step = -1;                 // -1: no static features
  size_t first_row = 0;                    // this shard's rows [first_row, first_row + rows)
  std::vector<text::EncodedExample> examples;  // one per shard row
  std::vector<std::vector<size_t>> batches;    // dataset indices
  std::vector<std::string> ids;            // unique_idx per shard row
  std::vector<uint8_t> valid;              // has an image and text after it
  nlohmann::json settings;                 // the manifest's settings (no shard info)

  size_t rows() const { return examples.size(); }
};

// Checks the options, reads the run's checkpoints and config, loads the
// tokenizer, encodes this shard's records. Errors name the file / record.
Result<ExtractPlan> PlanExtraction(const ExtractOptions& options, const data::Dataset& dataset);

// The batches of shard `index` of `count` over `rows` examples: contiguous
// runs of whole batches of `batch_size` (dataset indices).
std::vector<std::vector<size_t>> ShardBatches(size_t rows, int64_t batch_size, int index,
                                              int count);

}  // namespace xmas::traj
