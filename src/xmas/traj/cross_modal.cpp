#include "xmas/traj/cross_modal.h"
#include "xmas/util/enum_names.h"

#include <cmath>
#include <limits>

namespace xmas::traj {

namespace {
constexpr EnumName<CrossModalMode> kModeNames[] = {{CrossModalMode::kAttention, "attention"},
                                                   {CrossModalMode::kOfficial, "official"}};
}  // namespace

Result<CrossModalMode> ParseCrossModalMode(const std::string& name) {
  return ParseEnum(kModeNames, name, "--mode");
}

const char* CrossModalModeName(CrossModalMode mode) { return NameOf(kModeNames, mode); }

torch::Tensor AttentionCrossModal(const torch::Tensor& q, const torch::Tensor& k,
                                  const ExampleSpan& span) {
  const int64_t heads = q.size(0), kv_heads = k.size(0), d = q.size(2);
  const int64_t group = heads / kv_heads;
  const int64_t first_row = span.image_end, rows = span.length - span.image_end;
  const int64_t image_tokens = span.image_end - span.image_begin;
  if (rows <= 0) return torch::zeros({0, image_tokens}, torch::kFloat32);
  // Query heads grouped by the key/value head they share: [Hkv, group*R, d].
  torch::Tensor qr = q.narrow(1, first_row, rows).to(torch::kFloat32)
                         .reshape({kv_heads, group * rows, d});
  // Keys a text row may see: everything up to the example's last real token.
  torch::Tensor keys = k.narrow(1, 0, span.length).to(torch::kFloat32);
  torch::Tensor logits = torch::matmul(qr, keys.transpose(1, 2)) / std::sqrt(double(d));
  logits = logits.view({heads, rows, span.length});
  // Causal mask: row r (position first_row + r) sees keys 0..first_row + r.
  torch::Tensor row_pos = torch::arange(first_row, span.length).view({rows, 1});
  torch::Tensor key_pos = torch::arange(span.length).view({1, span.length});
  logits = logits.masked_fill(key_pos > row_pos, -std::numeric_limits<float>::infinity());
  torch::Tensor lse = torch::logsumexp(logits, -1, /*keepdim=*/true);
  torch::Tensor block = logits.narrow(2, span.image_begin, image_tokens) - lse;
  return block.exp().mean(0);
}

torch::Tensor OfficialCrossModal(const torch::Tensor& q_proj, const torch::Tensor& k_proj,
                                 int64_t num_heads, int64_t num_kv_heads,
                                 const ExampleSpan& span) {
  const int64_t length = span.padded_length;
  torch::Tensor q = q_proj.narrow(0, 0, length).to(torch::kFloat32);
  torch::Tensor k = k_proj.narrow(0, 0, length).to(torch::kFloat32);
  if (num_kv_heads != num_heads) {  // widen K as the authors do: each feature g times in a row
    k = k.repeat_interleave(num_heads / num_kv_heads, /*dim=*/1);
  }
  const int64_t width = q.size(1);
  const int64_t rows = length - span.image_end;
  const int64_t image_tokens = span.image_end - span.image_begin;
  if (rows <= 0) return torch::zeros({0, image_tokens}, torch::kFloat32);
  // Rows are key positions, normalised over every query position (the swap).
  torch::Tensor logits =
      torch::matmul(k.narrow(0, span.image_end, rows), q.t()) / std::sqrt(double(width));
  torch::Tensor lse = torch::logsumexp(logits, -1, /*keepdim=*/true);
  return (logits.narrow(1, span.image_begin, image_tokens) - lse).exp();
}

}  // namespace xmas::traj
