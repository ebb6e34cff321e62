// Batch: what one forward pass of the model consumes, and how to build it
// from chat-template examples (text::EncodedExample) and decoded images.
//
// Layout rules the model relies on (checked by Model::Forward):
//   - right padding: each row's real tokens are a prefix; attention_mask
//     marks them; positions restart at 0 in every row;
//   - each example holds at most one image block [image_begin, image_end)
//     (exclusive end) of exactly config.image_token_count() positions; the
//     ids inside it are ignored and replaced by the image's features;
//   - `images` / `vision_features` hold one entry per example that has an
//     image, in batch order (examples without an image have no entry).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "xmas/model/config.h"
#include "xmas/text/chat_template.h"
#include "xmas/util/status.h"

namespace xmas::model {

constexpr int64_t kIgnoreIndex = -100;

struct Batch {
  torch::Tensor input_ids;       // [B, L] int64
  torch::Tensor attention_mask;  // [B, L] bool (true = real token); undefined = all real
  torch::Tensor labels;          // [B, L] int64, kIgnoreIndex = no loss; undefined = no loss
  torch::Tensor images;          // [M, C, H, W] float pixels (normalised), or undefined
  // [M, P, vision hidden] outputs of the vision tower (Model::EncodeVision),
  // used instead of `images` when defined: computing a frozen tower once.
  torch::Tensor vision_features;
  std::vector<int64_t> image_begin;  // size B; -1 = no image
  std::vector<int64_t> image_end;    // size B; exclusive; -1 = no image

  int64_t batch_size() const { return input_ids.defined() ? input_ids.size(0) : 0; }
  int64_t seq_len() const { return input_ids.defined() ? input_ids.size(1) : 0; }
  int64_t num_images() const;  // examples with image_begin >= 0
  // Real (non-padding) length of row b.
  int64_t length(int64_t b) const;
  // Moves every tensor to `device` (images/features also to `dtype` when given).
  Batch To(torch::Device device) const;
};

struct CollateOptions {
  int64_t pad_token_id = 0;  // id written into padding positions
  bool with_labels = true;   // copy EncodedExample::labels
  // Pad to at least this length (0 = the longest example); never truncates.
  int64_t pad_to = 0;
};

// Builds a right-padded batch. `images[i]` is example i's image as a CHW
// float vector (xmas/data/image.h), or nullptr/empty for no image; it must be
// given exactly when examples[i].has_image() and hold
// num_channels * image_size^2 values; its block must be image_token_count()
// long. Errors name the example index and the field.
Result<Batch> Collate(const std::vector<const text::EncodedExample*>& examples,
                      const std::vector<const std::vector<float>*>& images,
                      const ModelConfig& config, const CollateOptions& options = {});

// Checks a batch against a config (shapes, dtypes, spans, padding layout).
// Forward calls it; exposed for callers that build batches by hand.
Status ValidateBatch(const Batch& batch, const ModelConfig& config);

}  // namespace xmas::model
