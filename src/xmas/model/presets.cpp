// Named configurations and parameter counting (see config.h).
#include <filesystem>

#include "xmas/model/config.h"
#include "xmas/util/file_names.h"
#include "xmas/model/parameter_shapes.h"

namespace xmas::model {
namespace {

VisionConfig Vision(int64_t image, int64_t patch, int64_t width, int64_t layers, int64_t heads) {
  VisionConfig v;
  v.image_size = image;
  v.patch_size = patch;
  v.hidden_size = width;
  v.intermediate_size = 4 * width;
  v.num_hidden_layers = layers;
  v.num_attention_heads = heads;
  return v;
}

TextConfig Text(int64_t vocab, int64_t width, int64_t mlp, int64_t layers, int64_t heads,
                int64_t kv_heads) {
  TextConfig t;
  t.vocab_size = vocab;
  t.hidden_size = width;
  t.intermediate_size = mlp;
  t.num_hidden_layers = layers;
  t.num_attention_heads = heads;
  t.num_key_value_heads = kv_heads;
  t.rms_norm_eps = 1e-5;
  return t;
}

ModelConfig Small(VisionConfig v, TextConfig t, int64_t max_positions) {
  ModelConfig c;
  c.vision = v;
  t.max_position_embeddings = max_positions;
  c.text = t;
  c.image_token_index = t.vocab_size;  // outside the vocabulary: never embedded
  c.pad_token_id = 0;
  c.bos_token_id = 1;
  c.eos_token_id = 2;
  return c;
}

ModelConfig ClipL336With(TextConfig t, int64_t image_token) {
  ModelConfig c;
  c.vision = Vision(336, 14, 1024, 24, 16);  // CLIP ViT-L/14-336
  c.text = t;
  c.image_token_index = image_token;
  return c;
}

}  // namespace

std::vector<std::string> PresetNames() { return {"tiny", "small", "tinyllava", "llava-1.5-7b"}; }

Result<ModelConfig> PresetConfig(const std::string& name) {
  if (name == "tiny") {
    return Small(Vision(32, 8, 64, 3, 4), Text(1024, 128, 352, 4, 4, 2), 512);
  }
  if (name == "small") {
    return Small(Vision(64, 8, 128, 4, 4), Text(4096, 256, 704, 4, 8, 4), 1024);
  }
  if (name == "tinyllava") {  // TinyLlama-1.1B shapes
    TextConfig t = Text(32000, 2048, 5632, 22, 32, 4);
    t.max_position_embeddings = 2048;
    return ClipL336With(t, 32000);
  }
  if (name == "llava-1.5-7b") {  // Vicuna-7B shapes, llava-hf vocabulary
    TextConfig t = Text(32064, 4096, 11008, 32, 32, 32);
    t.max_position_embeddings = 4096;
    return ClipL336With(t, 32000);
  }
  std::string known;
  for (const auto& n : PresetNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::NotFound("unknown model preset '" + name + "' (known: " + known + ")");
}

Result<ModelConfig> ResolveConfig(const std::string& name_or_path) {
  for (const auto& n : PresetNames()) {
    if (n == name_or_path) return PresetConfig(n);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(name_or_path, ec)) {
    return LoadConfig(files::ModelConfigPath(name_or_path));
  }
  if (std::filesystem::exists(name_or_path, ec)) return LoadConfig(name_or_path);
  return PresetConfig(name_or_path);  // the "unknown preset" message lists the names
}

ParameterCounts CountParameters(const ModelConfig& c) {
  ParameterCounts n;
  for (const auto& [name, shape] : ParameterShapes(c)) {
    int64_t size = 1;
    for (int64_t dim : shape) size *= dim;
    if (name.rfind("vision_tower.", 0) == 0) n.vision += size;
    else if (name.rfind("multi_modal_projector.", 0) == 0) n.projector += size;
    else n.language += size;
  }
  return n;
}

}  // namespace xmas::model
