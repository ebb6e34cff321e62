// Phi-1/1.5/2 (HF PhiConfig / modeling_phi.py): one LayerNorm (bias) per
// layer feeding attention and MLP in parallel (x + attn(n) + mlp(n)), a
// plain MLP fc1 -> gelu_new -> fc2, biases on every projection (o_proj is
// "dense") and on the LM head, RoPE on the first int(partial_rotary_factor
// * head_dim) features (phi-2: 0.4), final LayerNorm "final_layernorm".
// Per-head q/k LayerNorms (qk_layernorm) are refused.
#include "xmas/model/family.h"

namespace xmas::model {
namespace {

TextConfig PhiDefaults() {
  TextConfig t;
  t.model_type = "phi";
  t.vocab_size = 51200;
  t.hidden_size = 2048;
  t.intermediate_size = 8192;
  t.num_hidden_layers = 24;
  t.num_key_value_heads = 0;  // None: num_attention_heads
  t.max_position_embeddings = 2048;
  t.layer_norm_eps = 1e-5;
  t.partial_rotary_factor = 0.5;
  t.hidden_act = "gelu_new";
  return t;
}

Status ReadPhi(JsonFields& r, TextConfig* t) {
  r.Read("layer_norm_eps", &t->layer_norm_eps);
  r.Read("partial_rotary_factor", &t->partial_rotary_factor);
  r.RejectUnless("qk_layernorm", false, "per-head q/k LayerNorm");
  return r.status();
}

void WritePhi(const TextConfig& t, Json* j) {
  (*j)["layer_norm_eps"] = t.layer_norm_eps;
  (*j)["partial_rotary_factor"] = t.partial_rotary_factor;
  (*j)["qk_layernorm"] = false;
}

DecoderSpec PhiSpec(const TextConfig& t) {
  DecoderSpec s;
  s.norm = NormKind::kLayerNorm;
  s.norm_eps = t.layer_norm_eps;
  s.qkv_bias = s.o_bias = s.mlp_bias = s.lm_head_bias = true;
  s.mlp = MlpKind::kPlain;
  s.parallel_block = true;
  s.o_proj_name = "dense";
  s.final_norm_name = "final_layernorm";
  return s;
}

}  // namespace

DecoderFamily PhiFamily() {
  return {"phi", "PhiForCausalLM",
          "Phi-2: parallel block, one LayerNorm (bias), fc1/gelu_new/fc2, biases everywhere, partial RoPE",
          PhiDefaults, ReadPhi, WritePhi, PhiSpec};
}

}  // namespace xmas::model
