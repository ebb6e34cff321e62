// StableLM-2 / StableLM-3B-4E1T (HF StableLmConfig / modeling_stablelm.py):
// LayerNorm with bias before attention and MLP, SwiGLU, RoPE on the first
// int(0.25 * head_dim) features of each head, optional q/k/v biases
// (use_qkv_bias; StableLM-2-1.6B has them). Per-head q/k LayerNorms
// (qk_layernorm) and the parallel residual (use_parallel_residual) are refused.
#include "xmas/model/family.h"

namespace xmas::model {
namespace {

TextConfig StableLmDefaults() {
  TextConfig t;
  t.model_type = "stablelm";
  t.vocab_size = 50304;
  t.intermediate_size = 6912;
  t.hidden_size = 2560;
  t.max_position_embeddings = 4096;
  t.layer_norm_eps = 1e-5;
  t.partial_rotary_factor = 0.25;
  return t;
}

Status ReadStableLm(JsonFields& r, TextConfig* t) {
  r.Read("layer_norm_eps", &t->layer_norm_eps);
  r.Read("partial_rotary_factor", &t->partial_rotary_factor);
  r.Read("use_qkv_bias", &t->use_qkv_bias);
  r.RejectUnless("qk_layernorm", false, "per-head q/k LayerNorm");
  r.RejectUnless("use_parallel_residual", false, "parallel attention + MLP residual");
  return r.status();
}

void WriteStableLm(const TextConfig& t, Json* j) {
  (*j)["layer_norm_eps"] = t.layer_norm_eps;
  (*j)["partial_rotary_factor"] = t.partial_rotary_factor;
  (*j)["use_qkv_bias"] = t.use_qkv_bias;
  (*j)["qk_layernorm"] = false;
  (*j)["use_parallel_residual"] = false;
}

DecoderSpec StableLmSpec(const TextConfig& t) {
  DecoderSpec s;
  s.norm = NormKind::kLayerNorm;
  s.norm_eps = t.layer_norm_eps;
  s.qkv_bias = t.use_qkv_bias;
  return s;
}

}  // namespace

DecoderFamily StableLmFamily() {
  return {"stablelm", "StableLmForCausalLM",
          "StableLM-2: LayerNorm (bias), SwiGLU, partial RoPE (0.25), optional q/k/v biases",
          StableLmDefaults, ReadStableLm, WriteStableLm, StableLmSpec};
}

}  // namespace xmas::model
