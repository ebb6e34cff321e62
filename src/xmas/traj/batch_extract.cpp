#include "xmas/traj/batch_extract.h"

#include <algorithm>

namespace xmas::traj {

model::ForwardOptions MakeForwardOptions(const BatchRequest& request) {
  model::ForwardOptions o;
  if (request.svd) o.capture_layers = request.svd_layers;
  for (int64_t l : request.embed_layers) o.capture_layers.push_back(l);
  std::sort(o.capture_layers.begin(), o.capture_layers.end());
  o.capture_layers.erase(std::unique(o.capture_layers.begin(), o.capture_layers.end()),
                         o.capture_layers.end());
  o.capture_qk = request.svd;
  o.capture_attn_output = !request.embed_layers.empty();
  o.compute_logits = request.loss || request.el2n;
  o.keep_logits = request.el2n;
  o.stop_after_last_capture = !o.compute_logits;
  // The last hooked layer needs no attention or MLP when it is read for q/k
  // alone (not an embedding layer too).
  const bool last_is_embed =
      !o.capture_layers.empty() &&
      std::find(request.embed_layers.begin(), request.embed_layers.end(), o.capture_layers.back()) !=
          request.embed_layers.end();
  o.last_capture_qk_only = o.stop_after_last_capture && o.capture_qk && !last_is_embed;
  return o;
}

namespace {

const model::LayerCapture* FindLayer(const model::ForwardOutput& out, int64_t layer) {
  for (const auto& c : out.layers) {
    if (c.layer == layer) return &c;
  }
  return nullptr;
}

ExampleSpan SpanOf(const model::Batch& batch, int64_t b) {
  ExampleSpan s;
  s.image_begin = batch.image_begin[b];
  s.image_end = batch.image_end[b];
  s.length = batch.length(b);
  s.padded_length = batch.seq_len();
  return s;
}

}  // namespace

torch::Tensor CrossModalMatrix(const model::ForwardOutput& out, const model::Batch& batch,
                               int64_t b, const BatchRequest& request,
                               const model::ModelConfig& config) {
  const ExampleSpan span = SpanOf(batch, b);
  if (span.image_begin < 0) return torch::Tensor();
  // No text after the image: no cross-modal value in either mode (official
  // mode would otherwise be fed padding rows only, i.e. garbage).
  if (span.length <= span.image_end) return torch::Tensor();
  torch::Tensor sum;
  for (int64_t layer : request.svd_layers) {
    const model::LayerCapture* c = FindLayer(out, layer);
    torch::Tensor m =
        request.mode == CrossModalMode::kAttention
            ? AttentionCrossModal(c->q[b], c->k[b], span)
            : OfficialCrossModal(c->q_proj[b], c->k_proj[b], config.text.num_attention_heads,
                                 config.text.num_key_value_heads, span);
    sum = sum.defined() ? sum + m : m;
  }
  if (request.combine == LayerCombine::kMean) sum = sum / double(request.svd_layers.size());
  return sum;
}

Result<std::vector<ExampleValues>> ExtractBatch(model::Model& model, const model::Batch& batch,
                                                const std::vector<size_t>& rows,
                                                const BatchRequest& request) {
  torch::NoGradGuard no_grad;
  const model::ForwardOptions options = MakeForwardOptions(request);
  XMAS_ASSIGN_OR_RETURN(model::ForwardOutput out, model.Forward(batch, options));
  for (int64_t layer : options.capture_layers) {
    if (!FindLayer(out, layer)) {
      return Status::Internal("Forward did not capture decoder layer " + std::to_string(layer));
    }
  }
  const int64_t n = batch.batch_size();
  std::vector<ExampleValues> values(n);
  std::vector<float> loss, el2n;
  std::vector<uint8_t> loss_ok, el2n_ok;
  if (request.loss) AnswerLoss(out, &loss, &loss_ok);
  if (request.el2n) El2n(out.logits, batch.labels, &el2n, &el2n_ok);
  for (int64_t b = 0; b < n; ++b) {
    ExampleValues& v = values[b];
    v.singular.assign(request.svd ? request.top_k : 0, 0.0f);
    if (request.svd) {
      torch::Tensor m = CrossModalMatrix(out, batch, b, request, model.config());
      v.cross_valid = m.defined();
      if (v.cross_valid) {
        const auto s = TopSingularValues(m, request.top_k, request.svd_method,
                                         request.seed * 0x9e3779b97f4a7c15ull + rows[b]);
        for (size_t i = 0; i < s.size(); ++i) v.singular[i] = static_cast<float>(s[i]);
      }
    }
    if (request.loss) v.loss = loss[b], v.loss_valid = loss_ok[b];
    if (request.el2n) v.el2n = el2n[b], v.el2n_valid = el2n_ok[b];
    for (int64_t layer : request.embed_layers) {
      v.parts.push_back(PoolLayer(FindLayer(out, layer)->attn_output, batch, b));
    }
  }
  return values;
}

}  // namespace xmas::traj
