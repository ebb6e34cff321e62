// Qwen2 / Qwen2.5 (HF Qwen2Config / modeling_qwen2.py): LLaMA's block with
// biases on q/k/v (not o_proj), RMSNorm, SwiGLU, full RoPE (rope_theta 1e6
// in Qwen2.5), tied embeddings in the small sizes. Sliding-window attention
// (use_sliding_window) is refused.
#include "xmas/model/family.h"

namespace xmas::model {
namespace {

TextConfig Qwen2Defaults() {
  TextConfig t;
  t.model_type = "qwen2";
  t.vocab_size = 151936;
  t.intermediate_size = 22016;
  t.max_position_embeddings = 32768;
  t.rms_norm_eps = 1e-6;
  return t;
}

Status ReadQwen2(JsonFields& r, TextConfig* t) {
  r.Read("rms_norm_eps", &t->rms_norm_eps);
  r.RejectUnless("use_sliding_window", false, "sliding-window attention");
  return r.status();
}

void WriteQwen2(const TextConfig& t, Json* j) {
  (*j)["rms_norm_eps"] = t.rms_norm_eps;
  (*j)["use_sliding_window"] = false;
}

DecoderSpec Qwen2Spec(const TextConfig& t) {
  DecoderSpec s;
  s.norm = NormKind::kRms;
  s.norm_eps = t.rms_norm_eps;
  s.qkv_bias = true;
  return s;
}

}  // namespace

DecoderFamily Qwen2Family() {
  return {"qwen2", "Qwen2ForCausalLM", "Qwen2 / Qwen2.5: RMSNorm, SwiGLU, q/k/v biases, full RoPE",
          Qwen2Defaults, ReadQwen2, WriteQwen2, Qwen2Spec};
}

}  // namespace xmas::model
