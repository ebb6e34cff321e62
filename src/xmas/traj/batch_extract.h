// One forward pass over a batch, and every requested per-example value read
// from it (one pass, not one per feature).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "xmas/model/batch.h"
#include "xmas/model/model.h"
#include "xmas/traj/cross_modal.h"
#include "xmas/traj/extract_options.h"
#include "xmas/traj/features.h"
#include "xmas/traj/singular_values.h"
#include "xmas/util/status.h"

namespace xmas::traj {

struct BatchRequest {
  bool svd = true;
  CrossModalMode mode = CrossModalMode::kAttention;
  std::vector<int64_t> svd_layers;  // resolved, ascending
  LayerCombine combine = LayerCombine::kSum;
  int64_t top_k = 5;
  SvdMethod svd_method = SvdMethod::kExact;
  uint64_t seed = 0;
  bool loss = false, el2n = false;
  // Embedding/CLIP parts from these layers' attention outputs (empty: none).
  std::vector<int64_t> embed_layers;
};

// The Forward options that capture exactly what `request` needs: q/k of the
// svd layers, attention outputs of the embed layers, logits only for
// loss/el2n, and no layer after the last hooked one when no logits are needed
// (of that layer only its q/k when it is not an embedding layer).
model::ForwardOptions MakeForwardOptions(const BatchRequest& request);

struct ExampleValues {
  bool cross_valid = false;         // has an image and text after it
  std::vector<float> singular;      // top_k values (zeros when !cross_valid)
  float loss = 0, el2n = 0;
  bool loss_valid = false, el2n_valid = false;
  std::vector<LayerParts> parts;    // per embed layer (empty when not requested)
};

// The cross-modal matrix of batch row b from the captured layers (combined
// over `request.svd_layers`), or an undefined tensor when the row has no
// image or no text after it.
torch::Tensor CrossModalMatrix(const model::ForwardOutput& out, const model::Batch& batch,
                               int64_t b, const BatchRequest& request,
                               const model::ModelConfig& config);

// Runs the model on `batch` and reads every value. `rows` holds the dataset
// index of each batch row (seeds the randomized SVD per example, so values do
// not depend on batching).
Result<std::vector<ExampleValues>> ExtractBatch(model::Model& model, const model::Batch& batch,
                                                const std::vector<size_t>& rows,
                                                const BatchRequest& request);

}  // namespace xmas::traj
