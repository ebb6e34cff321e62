// The LLaVA model: CLIP or SigLIP vision tower -> connector -> decoder of one of the
// families in family.h (LLaMA, Mistral, Qwen2, StableLM-2, Phi-2).
//
//   XMAS_ASSIGN_OR_RETURN(auto model, Model::Create(config, device));
//   XMAS_ASSIGN_OR_RETURN(auto out, model->Forward(batch));   // out.loss
//
// The module tree is registered under the Hugging Face
// LlavaForConditionalGeneration names, so named_parameters() yields e.g.
// "language_model.model.layers.3.self_attn.q_proj.weight" and real LLaVA
// checkpoints map onto it (see weights.h). Submodules:
//   vision_tower.vision_model.{embeddings, pre_layrnorm, encoder.layers.N, post_layernorm}
//   multi_modal_projector.{linear_1, linear_2}
//   language_model.{model.{embed_tokens, layers.N, norm}, lm_head}
// (post_layernorm is unused by LLaVA's features but kept so checkpoints load
// completely; lm_head is absent when tie_word_embeddings).
//
// Everything runs on the device and dtype given at creation (CPU or CUDA,
// float32/bfloat16/float16); nothing assumes CPU. Torch errors inside
// Forward/EncodeVision are caught and returned as a Status.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "xmas/model/batch.h"
#include "xmas/model/config.h"
#include "xmas/util/status.h"

namespace xmas::model {

class VisionTower;       // vision.h
class Connector;         // connector.h
class DecoderLM;        // decoder.h

// What Forward records besides the loss. Layers are decoder layer indices
// (0-based; negative counts from the end).
struct ForwardOptions {
  std::vector<int64_t> capture_layers;
  bool capture_qk = false;         // q/k projections before and after RoPE
  bool capture_attention = false;  // per-head attention probabilities
  bool capture_hidden = false;     // each captured layer's output hidden state
  bool capture_attn_output = false;  // o_proj output of each captured layer (COINCIDE)
  // Run the final norm + LM head. Without it there are no logits and no loss.
  bool compute_logits = true;
  bool keep_logits = false;        // return the [B, L, V] logits (memory!)
  // Skip the decoder layers after the last captured one (implies no logits).
  bool stop_after_last_capture = false;
  // With stop_after_last_capture and capture_qk: the last captured layer
  // computes only its q/k (input norm, projections, RoPE), not its attention
  // and MLP; its capture then holds q_proj, k_proj, q, k and nothing else.
  bool last_capture_qk_only = false;
};

// Tensors recorded for one decoder layer; undefined unless requested.
struct LayerCapture {
  int64_t layer = 0;
  // Raw projection outputs (bias included), pre-RoPE, not split: [B, L, H*d], [B, L, Hkv*d].
  torch::Tensor q_proj, k_proj;
  // After RoPE, split into heads: [B, H, L, d], [B, Hkv, L, d]. With partial
  // rotary (stablelm, phi) only each head's first rotary_dim() features are
  // rotated; the others equal the pre-RoPE values (docs/models.md).
  torch::Tensor q, k;
  torch::Tensor attention;       // softmax probabilities [B, H, L(query), L(key)],
                                 // causal and key-padding masks applied (masked = 0)
  torch::Tensor hidden;          // layer output [B, L, D]
  torch::Tensor attn_output;     // self-attention block output (after o_proj) [B, L, D]
};

struct ForwardOutput {
  torch::Tensor loss;          // scalar mean over all labelled tokens (undefined without labels)
  // [B, L] next-token loss aligned with labels: token_loss[b][t] is
  // -log p(labels[b][t] | tokens < t); 0 where t == 0, labels == -100 or padding.
  torch::Tensor token_loss;
  torch::Tensor token_count;   // [B] labelled tokens per example (int64)
  torch::Tensor logits;        // [B, L, V] when keep_logits
  torch::Tensor last_hidden;   // [B, L, D] after the final norm (when compute_logits)
  std::vector<LayerCapture> layers;  // in the order of ForwardOptions::capture_layers
};

// Keys and values of every decoder layer for the positions seen so far
// (greedy generation); one batch row. Filled by Forward(batch, options, &cache).
struct KvCache {
  std::vector<torch::Tensor> keys, values;  // per layer [B, Hkv, T, d]
  int64_t length() const { return keys.empty() || !keys[0].defined() ? 0 : keys[0].size(2); }
};

class Model : public torch::nn::Module {
 public:
  // Builds a randomly initialised model (HF-style init: normal(0, 0.02)
  // weights, zero biases, unit norms) on `device` in `dtype`. Validates the config.
  static Result<std::shared_ptr<Model>> Create(const ModelConfig& config,
                                               torch::Device device = torch::kCPU,
                                               torch::Dtype dtype = torch::kFloat32,
                                               uint64_t seed = 0);

  const ModelConfig& config() const { return config_; }
  torch::Device device() const { return device_; }
  torch::Dtype dtype() const { return dtype_; }

  // Full forward pass. With labels: loss and token_loss. With `cache`, the
  // batch's tokens continue the cached sequence (positions start at
  // cache->length()); the cache is extended. Caching requires an unpadded
  // batch (no padding in attention_mask).
  Result<ForwardOutput> Forward(const Batch& batch, const ForwardOptions& options = {},
                                KvCache* cache = nullptr);

  // Vision tower only: [M, C, H, W] pixels -> [M, P, vision hidden] features
  // of the configured layer (class token dropped under "default"). Cache
  // these for a frozen tower and pass them as Batch::vision_features.
  Result<torch::Tensor> EncodeVision(const torch::Tensor& images);
  // Connector: [M, P, vision hidden] -> [M, P, text hidden].
  torch::Tensor Project(const torch::Tensor& vision_features);
  // The LLM's input: token embeddings with each image block replaced by its
  // projected image features, [B, L, D].
  Result<torch::Tensor> InputEmbeddings(const Batch& batch);

  // Parameter groups (for freezing and optimiser groups).
  VisionTower& vision_tower() { return *vision_tower_; }
  Connector& projector() { return *projector_; }
  DecoderLM& language_model() { return *language_model_; }
  std::vector<torch::Tensor> VisionParameters() const;
  std::vector<torch::Tensor> ProjectorParameters() const;
  std::vector<torch::Tensor> LanguageParameters() const;
  // requires_grad(false) on the vision tower (LLaVA fine-tuning freezes it).
  void FreezeVision(bool frozen = true);

 private:
  Model(const ModelConfig& config, torch::Device device, torch::Dtype dtype);
  torch::Tensor EmbedInputs(const Batch& batch);  // InputEmbeddings without checks
  torch::Tensor VisionFeatures(const torch::Tensor& images);  // EncodeVision without checks

  ModelConfig config_;
  torch::Device device_;
  torch::Dtype dtype_;
  std::shared_ptr<VisionTower> vision_tower_;
  std::shared_ptr<Connector> projector_;
  std::shared_ptr<DecoderLM> language_model_;
};

// "float32" | "bfloat16" | "float16" (also "fp32"/"bf16"/"fp16") -> dtype.
Result<torch::Dtype> ParseDtype(const std::string& name);
const char* DtypeName(torch::Dtype dtype);

}  // namespace xmas::model
