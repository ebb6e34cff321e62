// What an extraction will do, decided before any forward pass: the
// checkpoints, the model config and tokenizer, the template, the encoded
// examples of this shard, the batches, and the settings recorded in the
// store's manifest.
//
// Batches are the same for every checkpoint. Rows are cut, in dataset order,
// into windows of kBucketWindowBatches batches (attention mode) or of one
// batch (official mode). In attention mode the rows of a window are sorted by
// token length (longest first, ties in dataset order) before being cut into
// batches, so a batch is padded little (its values do not depend on its
// company); official mode keeps runs of batch_size consecutive rows (its
// values depend on the batch's padding). A shard takes a contiguous run of
// whole windows, so shard I computes exactly the batches the single process
// would, and merging the shards reproduces the single-process store bit for
// bit.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
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

// Batches per window in attention mode (see above).
constexpr int64_t kBucketWindowBatches = 8;

// Rows [first, last) of shard `index` of `count` over `rows` rows cut into
// windows of `window_rows`: a contiguous run of whole windows.
std::pair<size_t, size_t> ShardRows(size_t rows, size_t window_rows, int index, int count);

// Batches of at most `batch_size` over rows [first, last), window by window
// (`window_rows`, a multiple of batch_size, counted from `first`). With
// `lengths` (indexed by row - first) a window's rows are sorted by length,
// longest first, ties by row; without, batches are consecutive rows.
std::vector<std::vector<size_t>> WindowBatches(size_t first, size_t last, int64_t batch_size,
                                               size_t window_rows,
                                               const std::vector<int64_t>* lengths = nullptr);

// The batches of shard `index` of `count` over `rows` examples: contiguous
// runs of whole batches of `batch_size` (dataset indices), in order.
std::vector<std::vector<size_t>> ShardBatches(size_t rows, int64_t batch_size, int index,
                                              int count);

}  // namespace xmas::traj
