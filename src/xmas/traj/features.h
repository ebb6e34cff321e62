// Per-example features other than the singular values, all read from the same
// forward pass (docs/method.md §5 baselines):
//
//   loss   mean next-token NLL over the answer tokens (S2L trajectories;
//          perplexity = exp(loss)).
//   el2n   mean over answer tokens of ‖softmax(z_t) − onehot(y_t)‖₂ (EL2N).
//   embed  COINCIDE-style embedding: for each chosen layer, the mean
//          attention-block output (o_proj) over the image tokens and over the
//          text tokens (every real non-image token), each passed through tanh
//          and scaled to unit norm, concatenated layer by layer
//          [img_l1, txt_l1, img_l2, ...] and scaled to unit norm. A text-only
//          example has a zero image part.
//   clip   a CLIP-score proxy from the same activations: the unit image and
//          text parts of the last embed layer (image_embed, text_embed) and
//          their cosine (clip_score). Invalid for text-only examples.
//
// An example without answer tokens has no loss/el2n (invalid, value NaN).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/model/batch.h"
#include "xmas/model/model.h"
#include "xmas/util/status.h"

namespace xmas::traj {

struct FeatureSet {
  bool svd = true, loss = false, el2n = false, embed = false, clip = false;
  bool NeedsLogits() const { return loss || el2n; }
  bool NeedsAttnOutput() const { return embed || clip; }
};
// Comma-separated subset of "svd,loss,el2n,embed,clip" (at least one).
Result<FeatureSet> ParseFeatureSet(const std::string& list);
std::string FeatureSetName(const FeatureSet& set);

// Per-example answer loss and its validity, from Forward's token_loss/token_count.
void AnswerLoss(const model::ForwardOutput& out, std::vector<float>* loss,
                std::vector<uint8_t>* valid);

// Per-example EL2N from the kept logits ([B, L, V]) and the batch labels.
void El2n(const torch::Tensor& logits, const torch::Tensor& labels, std::vector<float>* el2n,
          std::vector<uint8_t>* valid);

// The two unit-norm parts of one layer for batch row b: tanh of the mean
// attention output over image / text positions, normalised. `attn_output`:
// [B, L, D]. A part with no positions is all zeros.
struct LayerParts {
  torch::Tensor image, text;  // [D] float32
};
LayerParts PoolLayer(const torch::Tensor& attn_output, const model::Batch& batch, int64_t b);

// Concatenates the parts of every layer and scales to unit norm ([2*D*layers]).
torch::Tensor CombineEmbedding(const std::vector<LayerParts>& layers);

}  // namespace xmas::traj
