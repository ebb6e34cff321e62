// LLaMA (HF LlamaConfig / modeling_llama.py) and Mistral (MistralConfig /
// modeling_mistral.py): RMSNorm before attention and MLP, SwiGLU MLP
// (gate/up/down), RoPE on the whole head, no biases unless
// attention_bias / mlp_bias (LLaMA only).
#include "xmas/model/family.h"

namespace xmas::model {
namespace {

// TextConfig's defaults are LlamaConfig's; num_key_value_heads 0 stands for
// HF's None (= num_attention_heads, resolved after reading).
TextConfig LlamaDefaults() {
  TextConfig t;
  t.num_key_value_heads = 0;
  return t;
}

TextConfig MistralDefaults() {
  TextConfig t;
  t.model_type = "mistral";
  t.intermediate_size = 14336;
  t.num_key_value_heads = 8;
  t.max_position_embeddings = 4096 * 32;
  t.sliding_window = 4096;
  return t;
}

Status ReadLlama(JsonFields& r, TextConfig* t) {
  r.Read("rms_norm_eps", &t->rms_norm_eps);
  r.Read("attention_bias", &t->attention_bias);
  r.Read("mlp_bias", &t->mlp_bias);
  r.RejectUnless("pretraining_tp", 1, "tensor-parallel slicing of the projections");
  return r.status();
}

Status ReadMistral(JsonFields& r, TextConfig* t) {
  r.Read("rms_norm_eps", &t->rms_norm_eps);
  if (r.object().contains("sliding_window") && r.object()["sliding_window"].is_null()) t->sliding_window = 0;
  r.Read("sliding_window", &t->sliding_window);
  return r.status();
}

void WriteLlama(const TextConfig& t, Json* j) {
  (*j)["rms_norm_eps"] = t.rms_norm_eps;
  (*j)["attention_bias"] = t.attention_bias;
  (*j)["mlp_bias"] = t.mlp_bias;
}

void WriteMistral(const TextConfig& t, Json* j) {
  (*j)["rms_norm_eps"] = t.rms_norm_eps;
  (*j)["sliding_window"] = t.sliding_window > 0 ? Json(t.sliding_window) : Json(nullptr);
}

DecoderSpec LlamaSpec(const TextConfig& t) {
  DecoderSpec s;
  s.norm = NormKind::kRms;
  s.norm_eps = t.rms_norm_eps;
  s.qkv_bias = s.o_bias = t.model_type == "llama" && t.attention_bias;
  s.mlp_bias = t.model_type == "llama" && t.mlp_bias;
  return s;
}

}  // namespace

DecoderFamily LlamaFamily() {
  return {"llama", "LlamaForCausalLM", "LLaMA / Vicuna / TinyLlama: RMSNorm, SwiGLU, full RoPE",
          LlamaDefaults, ReadLlama, WriteLlama, LlamaSpec};
}

DecoderFamily MistralFamily() {
  return {"mistral", "MistralForCausalLM",
          "Mistral: LLaMA's block; sliding-window attention (sequences longer than the window are refused)",
          MistralDefaults, ReadMistral, WriteMistral, LlamaSpec};
}

}  // namespace xmas::model
