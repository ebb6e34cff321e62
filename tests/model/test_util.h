// Shared fixtures for the model tests: a very small config and batch makers.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "xmas/model/batch.h"
#include "xmas/model/config.h"
#include "xmas/model/model.h"

namespace xmas::model::testing {

// 16x16 images, patch 8 -> 4 image tokens; ViT 2 x 32; LLM 2 x 32 with 4
// heads and 2 key/value heads (GQA), vocab 50.
inline ModelConfig MicroConfig() {
  ModelConfig c;
  c.vision.image_size = 16;
  c.vision.patch_size = 8;
  c.vision.hidden_size = 32;
  c.vision.intermediate_size = 64;
  c.vision.num_hidden_layers = 2;
  c.vision.num_attention_heads = 2;
  c.text.vocab_size = 50;
  c.text.hidden_size = 32;
  c.text.intermediate_size = 48;
  c.text.num_hidden_layers = 2;
  c.text.num_attention_heads = 4;
  c.text.num_key_value_heads = 2;
  c.text.rms_norm_eps = 1e-5;
  c.text.rope_theta = 500.0;
  c.image_token_index = 50;
  return c;
}

// MicroConfig with the decoder of `family` (family.h) and that family's
// distinctive options on: q/k/v biases (stablelm), partial rotary (stablelm
// 0.25 -> 2 of 8 features, phi 0.5 -> 4), tied head (qwen2).
inline ModelConfig FamilyConfig(const std::string& family) {
  ModelConfig c = MicroConfig();
  c.text.model_type = family;
  if (family == "stablelm") {
    c.text.partial_rotary_factor = 0.25;
    c.text.use_qkv_bias = true;
  } else if (family == "phi") {
    c.text.partial_rotary_factor = 0.5;
    c.text.hidden_act = "gelu_new";
  } else if (family == "qwen2") {
    c.text.tie_word_embeddings = true;
  } else if (family == "mistral") {
    c.text.sliding_window = 64;
  }
  return c;
}

inline const std::vector<std::string>& AllFamilies() {
  static const std::vector<std::string> kNames = {"llama", "mistral", "qwen2", "stablelm", "phi"};
  return kNames;
}

inline std::shared_ptr<Model> MakeModel(const ModelConfig& c, uint64_t seed = 7) {
  auto m = Model::Create(c, torch::kCPU, torch::kFloat32, seed);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.value();
}

// One example: `length` tokens; an image block at `image_begin` when >= 0.
struct ExampleSpec {
  int64_t length;
  int64_t image_begin;  // -1 = no image
};

// Builds a right-padded batch with deterministic ids, labels on the second
// half of each example, and random images for the examples that have one.
inline Batch MakeBatch(const ModelConfig& c, const std::vector<ExampleSpec>& specs, uint64_t seed = 1) {
  torch::manual_seed(seed);
  const int64_t b = static_cast<int64_t>(specs.size());
  int64_t len = 0;
  for (const auto& s : specs) len = std::max(len, s.length);
  Batch batch;
  batch.input_ids = torch::zeros({b, len}, torch::kLong);
  batch.attention_mask = torch::zeros({b, len}, torch::kBool);
  batch.labels = torch::full({b, len}, kIgnoreIndex, torch::kLong);
  int64_t images = 0;
  for (int64_t i = 0; i < b; ++i) {
    const auto& s = specs[i];
    batch.input_ids[i].slice(0, 0, s.length).copy_(torch::randint(3, c.text.vocab_size, {s.length}, torch::kLong));
    batch.attention_mask[i].slice(0, 0, s.length).fill_(true);
    batch.labels[i].slice(0, s.length / 2, s.length).copy_(batch.input_ids[i].slice(0, s.length / 2, s.length));
    if (s.image_begin >= 0) {
      const int64_t end = s.image_begin + c.image_token_count();
      batch.input_ids[i].slice(0, s.image_begin, end).fill_(c.image_token_index);
      batch.labels[i].slice(0, s.image_begin, end).fill_(kIgnoreIndex);
      ++images;
    }
    batch.image_begin.push_back(s.image_begin);
    batch.image_end.push_back(s.image_begin >= 0 ? s.image_begin + c.image_token_count() : -1);
  }
  if (images > 0) {
    batch.images = torch::randn({images, c.vision.num_channels, c.vision.image_size, c.vision.image_size});
  }
  return batch;
}

// Row b of a batch alone, without padding.
inline Batch Row(const Batch& batch, int64_t b) {
  Batch one;
  const int64_t len = batch.length(b);
  one.input_ids = batch.input_ids.slice(0, b, b + 1).slice(1, 0, len).clone();
  one.labels = batch.labels.slice(0, b, b + 1).slice(1, 0, len).clone();
  one.image_begin = {batch.image_begin[b]};
  one.image_end = {batch.image_end[b]};
  if (batch.image_begin[b] >= 0) {
    int64_t slot = 0;
    for (int64_t i = 0; i < b; ++i) slot += batch.image_begin[i] >= 0 ? 1 : 0;
    one.images = batch.images.slice(0, slot, slot + 1).clone();
  }
  return one;
}

inline double MaxDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

}  // namespace xmas::model::testing
