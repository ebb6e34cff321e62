#include "xmas/train/example_source.h"

#include <filesystem>

#include "xmas/data/image.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::train {

namespace {

// The record's image file, inside the folder and present (checked at start-up
// so a missing image fails the run before the first step).
Result<std::string> ImagePath(const std::string& folder, const std::string& relative,
                              const std::string& where) {
  auto path = data::ResolveImagePath(folder, relative, /*allow_outside=*/false);
  if (!path.ok()) return path.status().WithPrefix(where + ": field 'image'");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*path, ec)) {
    return Status::NotFound(where + ": field 'image': " + *path + ": no such file");
  }
  return path;
}

}  // namespace

Result<ExampleSource> ExampleSource::Build(const data::Dataset& dataset,
                                           const text::Tokenizer& tokenizer,
                                           const model::ModelConfig& config,
                                           const ExampleSourceOptions& options) {
  ExampleSource src;
  src.config_ = config;
  src.dataset_path_ = dataset.path();
  src.options_ = options;
  if (!src.options_.image_loader) src.options_.image_loader = DefaultImageLoader();
  text::TemplateOptions templ = options.template_options;
  templ.num_image_tokens = config.image_token_count();

  Progress bar("encode", dataset.size(), "rec");
  for (size_t i = 0; i < dataset.size(); ++i) {
    bar.Add(1);
    Status st = src.Add(dataset, i, tokenizer, templ);
    if (st.ok()) continue;
    if (!options.skip_bad_records) return st;
    log::Warn("skipping: ", st.message());
    ++src.skipped_;
  }
  bar.Finish();
  if (src.examples_.empty()) {
    return Status::InvalidInput(dataset.path() + ": no trainable record (" +
                                std::to_string(src.skipped_) + " skipped)");
  }
  return src;
}

Status ExampleSource::Add(const data::Dataset& dataset, size_t i, const text::Tokenizer& tokenizer,
                          const text::TemplateOptions& templ) {
  XMAS_ASSIGN_OR_RETURN(auto ex, text::EncodeRecord(tokenizer, dataset, i, templ));
  const data::Record& r = dataset[i];
  std::string image;
  if (r.has_image()) {
    XMAS_ASSIGN_OR_RETURN(image, ImagePath(options_.image_folder, r.image, dataset.Where(i)));
  }
  lengths_.push_back(ex.size());
  has_image_.push_back(ex.has_image());
  record_index_.push_back(i);
  image_path_.push_back(std::move(image));
  where_.push_back(dataset.Where(i));
  examples_.push_back(std::move(ex));
  return Status::Ok();
}

Result<std::shared_ptr<const std::vector<float>>> ExampleSource::Image(size_t i) {
  auto hit = image_cache_.find(i);
  if (hit != image_cache_.end()) return hit->second;
  auto pixels = options_.image_loader(image_path_[i], config_);
  if (!pixels.ok()) return pixels.status().WithPrefix(where_[i] + ": field 'image'");
  auto shared = std::make_shared<const std::vector<float>>(std::move(pixels).value());
  const size_t bytes = shared->size() * sizeof(float);
  if (image_cache_used_ + bytes <= options_.image_cache_bytes) {
    image_cache_used_ += bytes;
    image_cache_[i] = shared;
  }
  return shared;
}

Result<model::Batch> ExampleSource::MakeBatch(const std::vector<size_t>& indices) {
  std::vector<const text::EncodedExample*> examples;
  std::vector<std::shared_ptr<const std::vector<float>>> held;  // keeps uncached images alive
  std::vector<const std::vector<float>*> images;
  for (size_t i : indices) {
    if (i >= examples_.size()) return Status::Internal("example index out of range");
    examples.push_back(&examples_[i]);
    if (!has_image_[i]) {
      images.push_back(nullptr);
      continue;
    }
    XMAS_ASSIGN_OR_RETURN(auto pixels, Image(i));
    images.push_back(pixels.get());
    held.push_back(std::move(pixels));
  }
  model::CollateOptions collate;
  collate.pad_token_id = config_.pad_token_id;
  collate.with_labels = true;
  auto batch = model::Collate(examples, images, config_, collate);
  if (!batch.ok()) return batch.status().WithPrefix(dataset_path_);
  return batch;
}

}  // namespace xmas::train
