// Decoder families: one table entry per HF `text_config.model_type`, each
// in its own family_<name>.cpp (config fields, HF class defaults, and the
// structure the shared decoder (decoder.h) builds from them).
//
// | model_type | HF class            | norm           | q/k/v bias | block    | RoPE      |
// | llama      | LlamaForCausalLM    | RMSNorm        | opt.       | serial   | full      |
// | mistral    | MistralForCausalLM  | RMSNorm        | no         | serial   | full      |
// | qwen2      | Qwen2ForCausalLM    | RMSNorm        | yes        | serial   | full      |
// | stablelm   | StableLmForCausalLM | LayerNorm+bias | opt.       | serial   | partial   |
// | phi        | PhiForCausalLM      | LayerNorm+bias | yes        | parallel | partial   |
//
// Config options of a family that xmas does not implement (qk_layernorm,
// parallel residual for stablelm, a sliding window for qwen2, ...) are
// errors naming the field, never silently ignored. No libtorch here.
#pragma once

#include <string>
#include <vector>

#include "xmas/model/config.h"
#include "xmas/model/config_json.h"
#include "xmas/util/status.h"

namespace xmas::model {

enum class NormKind { kRms, kLayerNorm };  // LayerNorm with weight and bias
enum class MlpKind { kGated, kPlain };     // gate/up/down (SwiGLU) | fc1 -> act -> fc2

// What the shared decoder builds for a family (tensor names included).
struct DecoderSpec {
  NormKind norm = NormKind::kRms;
  double norm_eps = 1e-6;
  bool qkv_bias = false, o_bias = false, mlp_bias = false, lm_head_bias = false;
  MlpKind mlp = MlpKind::kGated;
  // x + attn(norm(x)) + mlp(norm(x)) with one norm per layer (Phi), instead
  // of h = x + attn(norm1(x)); h + mlp(norm2(h)).
  bool parallel_block = false;
  std::string o_proj_name = "o_proj";     // phi: "dense"
  std::string final_norm_name = "norm";   // phi: "final_layernorm"
  std::string norm1_name = "input_layernorm", norm2_name = "post_attention_layernorm";
  std::string mlp_up_name = "fc1", mlp_down_name = "fc2";  // kPlain names
};

struct DecoderFamily {
  const char* model_type;  // text_config.model_type
  const char* hf_class;    // text_config.architectures[0]
  const char* summary;     // one line for docs and `model check`
  TextConfig (*defaults)();  // the HF config class defaults
  // Reads the family's own fields (the shared ones are read before) and
  // rejects options xmas does not implement.
  Status (*read)(JsonFields& fields, TextConfig* config);
  void (*write)(const TextConfig& config, Json* text_config);  // the family's own fields
  DecoderSpec (*spec)(const TextConfig& config);
};

// The table, in the order of the docs. FindFamily: nullptr when unknown.
const std::vector<DecoderFamily>& DecoderFamilies();
const DecoderFamily* FindFamily(const std::string& model_type);
std::vector<std::string> FamilyNames();

// The spec of config.model_type (which Validate has checked is known).
DecoderSpec SpecOf(const TextConfig& config);

// The entries, one per family_<name>.cpp.
DecoderFamily LlamaFamily();
DecoderFamily MistralFamily();
DecoderFamily Qwen2Family();
DecoderFamily StableLmFamily();
DecoderFamily PhiFamily();

}  // namespace xmas::model
