// The cross-modal (text -> image) matrix of one example at one decoder layer,
// in the two modes of docs/method.md §3/§4, computed from what Model::Forward captures.
//
//   attention (default, docs/method.md §4): P_h = softmax(q_h k_hᵀ/√d_head + causal mask)
//     with RoPE, exactly the probabilities the model uses; rows = the
//     example's own text positions after its image block (never padding),
//     columns = its image positions; averaged over heads. Only the
//     text-rows × all-allowed-keys logits are formed (the row normaliser needs
//     every allowed key), and only the image columns are kept; nothing of the
//     padded batch enters, so values do not depend on batch composition.
//   official (docs/method.md §3, the authors' code): S = softmax_rows(K Qᵀ/√D) on the
//     raw pre-RoPE projections over the full width D, no masks, over all L
//     positions of the padded batch; rows = positions after the image block
//     up to L (padding included), columns = image positions. With grouped-query
//     attention K is widened to Q's width as the authors' attention_scores()
//     does it: torch.repeat_interleave over features, key feature c filling
//     columns c*g..c*g+g-1 (g = H/Hkv) -- not the model's repeat_kv of whole
//     heads. The authors run the forward pass without an attention mask; xmas
//     keeps its padding mask, so the q/k of padding positions differ from
//     theirs in a padded batch: at batch size 1 (no padding) this is exactly
//     the authors' computation.
//
// All math is float32 whatever the model's dtype (bf16/fp16 overflow is a
// known defect of the authors' code, docs/method.md §3 defect 6).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "xmas/util/status.h"

namespace xmas::traj {

enum class CrossModalMode { kAttention, kOfficial };
// "attention" | "official".
Result<CrossModalMode> ParseCrossModalMode(const std::string& name);
const char* CrossModalModeName(CrossModalMode mode);

// Where one example sits in its (right-padded) batch row.
struct ExampleSpan {
  int64_t image_begin = -1, image_end = -1;  // exclusive end; -1 = no image
  int64_t length = 0;                        // real (non-padding) tokens
  int64_t padded_length = 0;                 // the batch's L
};

// Attention mode. q: [H, L, d] after RoPE; k: [Hkv, L, d] after RoPE (one
// batch row each; H a multiple of Hkv). Returns [length - image_end,
// image_end - image_begin] (float32), the head-averaged probabilities.
// Requires an image; an example with no text after it gives a 0-row matrix.
torch::Tensor AttentionCrossModal(const torch::Tensor& q, const torch::Tensor& k,
                                  const ExampleSpan& span);

// Official mode. q_proj: [L, H*d], k_proj: [L, Hkv*d] (one batch row,
// pre-RoPE). Returns [padded_length - image_end, image_end - image_begin].
torch::Tensor OfficialCrossModal(const torch::Tensor& q_proj, const torch::Tensor& k_proj,
                                 int64_t num_heads, int64_t num_kv_heads, const ExampleSpan& span);

}  // namespace xmas::traj
