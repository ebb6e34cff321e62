#include "xmas/model/parameter_shapes.h"

#include "xmas/model/family.h"

namespace xmas::model {
namespace {

// prefix.weight [out, in] and, with a bias, prefix.bias [out].
void Linear(ParameterShapeMap* m, const std::string& prefix, int64_t in, int64_t out, bool bias) {
  (*m)[prefix + ".weight"] = {out, in};
  if (bias) (*m)[prefix + ".bias"] = {out};
}

void Norm(ParameterShapeMap* m, const std::string& prefix, int64_t dim, bool bias) {
  (*m)[prefix + ".weight"] = {dim};
  if (bias) (*m)[prefix + ".bias"] = {dim};
}

void SiglipHead(const VisionConfig& v, const std::string& root, ParameterShapeMap* m) {
  const int64_t d = v.hidden_size;
  (*m)[root + "head.probe"] = {1, 1, d};
  (*m)[root + "head.attention.in_proj_weight"] = {3 * d, d};
  (*m)[root + "head.attention.in_proj_bias"] = {3 * d};
  Linear(m, root + "head.attention.out_proj", d, d, true);
  Norm(m, root + "head.layernorm", d, true);
  Linear(m, root + "head.mlp.fc1", d, v.intermediate_size, true);
  Linear(m, root + "head.mlp.fc2", v.intermediate_size, d, true);
}

// CLIP (class token, pre_layrnorm) or SigLIP (patch bias, pooling head).
void VisionTowerShapes(const VisionConfig& v, ParameterShapeMap* m) {
  const std::string root = "vision_tower.vision_model.";
  const int64_t d = v.hidden_size;
  (*m)[root + "embeddings.patch_embedding.weight"] = {d, v.num_channels, v.patch_size, v.patch_size};
  if (v.is_siglip()) (*m)[root + "embeddings.patch_embedding.bias"] = {d};
  if (v.has_class_token()) (*m)[root + "embeddings.class_embedding"] = {d};
  (*m)[root + "embeddings.position_embedding.weight"] = {v.num_tokens(), d};
  if (!v.is_siglip()) Norm(m, root + "pre_layrnorm", d, true);
  for (int64_t i = 0; i < v.num_hidden_layers; ++i) {
    const std::string l = root + "encoder.layers." + std::to_string(i) + ".";
    for (const char* p : {"q_proj", "k_proj", "v_proj", "out_proj"}) Linear(m, l + "self_attn." + p, d, d, true);
    Norm(m, l + "layer_norm1", d, true);
    Linear(m, l + "mlp.fc1", d, v.intermediate_size, true);
    Linear(m, l + "mlp.fc2", v.intermediate_size, d, true);
    Norm(m, l + "layer_norm2", d, true);
  }
  Norm(m, root + "post_layernorm", d, true);
  if (v.is_siglip() && v.vision_use_head) SiglipHead(v, root, m);
}

void DecoderLayerShapes(const TextConfig& t, const DecoderSpec& s, const std::string& l, ParameterShapeMap* m) {
  const int64_t d = t.hidden_size, hd = t.head_dim(), mlp = t.intermediate_size;
  const int64_t q = t.num_attention_heads * hd, kv = t.num_key_value_heads * hd;
  const bool ln = s.norm == NormKind::kLayerNorm;
  Linear(m, l + "self_attn.q_proj", d, q, s.qkv_bias);
  Linear(m, l + "self_attn.k_proj", d, kv, s.qkv_bias);
  Linear(m, l + "self_attn.v_proj", d, kv, s.qkv_bias);
  Linear(m, l + "self_attn." + s.o_proj_name, q, d, s.o_bias);
  if (s.mlp == MlpKind::kGated) {
    Linear(m, l + "mlp.gate_proj", d, mlp, s.mlp_bias);
    Linear(m, l + "mlp.up_proj", d, mlp, s.mlp_bias);
    Linear(m, l + "mlp.down_proj", mlp, d, s.mlp_bias);
  } else {
    Linear(m, l + "mlp." + s.mlp_up_name, d, mlp, s.mlp_bias);
    Linear(m, l + "mlp." + s.mlp_down_name, mlp, d, s.mlp_bias);
  }
  Norm(m, l + s.norm1_name, d, ln);
  if (!s.parallel_block) Norm(m, l + s.norm2_name, d, ln);
}

void Decoder(const TextConfig& t, ParameterShapeMap* m) {
  const DecoderSpec s = SpecOf(t);
  const int64_t d = t.hidden_size;
  (*m)["language_model.model.embed_tokens.weight"] = {t.vocab_size, d};
  for (int64_t i = 0; i < t.num_hidden_layers; ++i) {
    DecoderLayerShapes(t, s, "language_model.model.layers." + std::to_string(i) + ".", m);
  }
  Norm(m, "language_model.model." + s.final_norm_name, d, s.norm == NormKind::kLayerNorm);
  if (!t.tie_word_embeddings) Linear(m, "language_model.lm_head", d, t.vocab_size, s.lm_head_bias);
}

}  // namespace

ParameterShapeMap ParameterShapes(const ModelConfig& c) {
  ParameterShapeMap m;
  VisionTowerShapes(c.vision, &m);
  Linear(&m, "multi_modal_projector.linear_1", c.vision.hidden_size, c.text.hidden_size, true);
  if (c.projector_type == "mlp2x_gelu") {
    Linear(&m, "multi_modal_projector.linear_2", c.text.hidden_size, c.text.hidden_size, true);
  }
  Decoder(c.text, &m);
  return m;
}

}  // namespace xmas::model
