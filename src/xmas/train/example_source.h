// The training examples of a run: every record encoded once with the chat
// template at start-up, and model batches built from them on demand.
//
// Encoding everything up front validates the whole dataset before the first
// step (a bad record fails the run in seconds, not hours in) and gives exact
// token lengths for length grouping. Cost: 8 bytes per token held in memory.
// Images are decoded when a batch needs them and kept in a cache bounded by
// `image_cache_bytes` (small demo images are then decoded once per run).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "xmas/data/dataset.h"
#include "xmas/model/batch.h"
#include "xmas/model/config.h"
#include "xmas/text/chat_template.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/status.h"

namespace xmas::train {

// Decodes and preprocesses one image to a CHW float vector of
// num_channels * image_size^2 values (normalised as the vision tower expects).
using ImageLoader =
    std::function<Result<std::vector<float>>(const std::string& path, const model::ModelConfig& config)>;

// The loader used by default (xmas/data/image.h).
ImageLoader DefaultImageLoader();

struct ExampleSourceOptions {
  text::TemplateOptions template_options;  // num_image_tokens is filled from the config
  std::string image_folder;
  bool skip_bad_records = false;  // drop (and count) records that fail to encode
  size_t image_cache_bytes = size_t{1} << 30;
  ImageLoader image_loader;  // empty: DefaultImageLoader()
};

class ExampleSource {
 public:
  // Encodes every record of `dataset`. Errors name the record (Dataset::Where).
  static Result<ExampleSource> Build(const data::Dataset& dataset, const text::Tokenizer& tokenizer,
                                     const model::ModelConfig& config,
                                     const ExampleSourceOptions& options);

  size_t size() const { return examples_.size(); }
  size_t skipped() const { return skipped_; }
  // Per kept example: token length and modality (what the sampler groups by).
  const std::vector<int64_t>& lengths() const { return lengths_; }
  const std::vector<bool>& has_image() const { return has_image_; }
  const text::EncodedExample& example(size_t i) const { return examples_[i]; }
  // The dataset record an example came from.
  size_t record_index(size_t i) const { return record_index_[i]; }

  // Collates examples `indices` into a right-padded batch, loading their images.
  Result<model::Batch> MakeBatch(const std::vector<size_t>& indices);

 private:
  // Encodes record i and appends it; the Status says why it cannot be used.
  Status Add(const data::Dataset& dataset, size_t i, const text::Tokenizer& tokenizer,
             const text::TemplateOptions& templ);
  // Image of example i, from the cache or decoded (and cached while under budget).
  Result<std::shared_ptr<const std::vector<float>>> Image(size_t i);

  model::ModelConfig config_;
  std::string dataset_path_;
  ExampleSourceOptions options_;
  std::vector<text::EncodedExample> examples_;
  std::vector<int64_t> lengths_;
  std::vector<bool> has_image_;
  std::vector<size_t> record_index_;
  std::vector<std::string> image_path_;  // full path; empty when none
  std::vector<std::string> where_;       // "<file>: record i (id 'x')" for errors
  std::unordered_map<size_t, std::shared_ptr<const std::vector<float>>> image_cache_;
  size_t image_cache_used_ = 0;
  size_t skipped_ = 0;
};

}  // namespace xmas::train
