#include "xmas/model/batch.h"

#include <algorithm>
#include <string>

namespace xmas::model {
namespace {

std::string Shape(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

Status CheckShape(const char* field, const torch::Tensor& t, std::vector<int64_t> want) {
  if (t.sizes() == c10::IntArrayRef(want)) return Status::Ok();
  torch::Tensor ref = torch::empty(want, torch::kMeta);
  return Status::InvalidInput(std::string("batch: field '") + field + "': expected shape " +
                              Shape(ref) + ", got " + Shape(t));
}

Status CheckMask(const Batch& batch) {
  const auto& mask = batch.attention_mask;
  XMAS_RETURN_IF_ERROR(CheckShape("attention_mask", mask, {batch.batch_size(), batch.seq_len()}));
  torch::Tensor m = mask.to(torch::kBool);
  torch::Tensor lengths = m.sum(1, /*keepdim=*/true);
  torch::Tensor prefix = torch::arange(batch.seq_len(), m.options().dtype(torch::kLong)).unsqueeze(0) < lengths;
  torch::Tensor bad = (prefix != m).any(1).logical_or(lengths.squeeze(1) == 0).nonzero();
  if (bad.numel() > 0) {
    return Status::InvalidInput("batch: example " + std::to_string(bad[0][0].item<int64_t>()) +
                                ": field 'attention_mask': real tokens must form a non-empty prefix (right padding)");
  }
  return Status::Ok();
}

Status CheckSpans(const Batch& batch, const ModelConfig& config, int64_t* num_images) {
  const int64_t b = batch.batch_size();
  if (static_cast<int64_t>(batch.image_begin.size()) != b ||
      static_cast<int64_t>(batch.image_end.size()) != b) {
    return Status::InvalidInput("batch: field 'image_begin'/'image_end': expected " +
                                std::to_string(b) + " entries");
  }
  *num_images = 0;
  for (int64_t i = 0; i < b; ++i) {
    const int64_t begin = batch.image_begin[i], end = batch.image_end[i];
    if (begin < 0 && end < 0) continue;
    const std::string where = "batch: example " + std::to_string(i) + ": field 'image_begin..image_end': ";
    if (begin < 0 || end - begin != config.image_token_count()) {
      return Status::InvalidInput(where + "[" + std::to_string(begin) + ", " + std::to_string(end) +
                                  ") must hold exactly " + std::to_string(config.image_token_count()) +
                                  " image positions");
    }
    if (end > batch.length(i)) {
      return Status::InvalidInput(where + "block ends at " + std::to_string(end) +
                                  " past the example's " + std::to_string(batch.length(i)) + " tokens");
    }
    ++*num_images;
  }
  return Status::Ok();
}

Status CheckImages(const Batch& batch, const ModelConfig& config, int64_t num_images) {
  const VisionConfig& v = config.vision;
  if (batch.vision_features.defined()) {
    return CheckShape("vision_features", batch.vision_features,
                      {num_images, config.image_token_count(), v.hidden_size});
  }
  if (num_images == 0) return Status::Ok();
  if (!batch.images.defined()) {
    return Status::InvalidInput("batch: field 'images': " + std::to_string(num_images) +
                                " examples have an image block but no images were given");
  }
  return CheckShape("images", batch.images, {num_images, v.num_channels, v.image_size, v.image_size});
}

// Token ids outside image blocks must index the vocabulary.
Status CheckIds(const Batch& batch, const ModelConfig& config) {
  torch::Tensor ids = batch.input_ids.clone();
  for (int64_t i = 0; i < batch.batch_size(); ++i) {
    if (batch.image_begin[i] < 0) continue;
    ids[i].slice(0, batch.image_begin[i], batch.image_end[i]).fill_(0);
  }
  torch::Tensor bad = ids.lt(0).logical_or(ids.ge(config.text.vocab_size));
  if (batch.attention_mask.defined()) bad = bad.logical_and(batch.attention_mask.to(torch::kBool));
  torch::Tensor where = bad.nonzero();
  if (where.size(0) == 0) return Status::Ok();
  const int64_t b = where[0][0].item<int64_t>(), t = where[0][1].item<int64_t>();
  return Status::InvalidInput("batch: example " + std::to_string(b) + ": field 'input_ids': token " +
                              std::to_string(t) + " has id " +
                              std::to_string(batch.input_ids[b][t].item<int64_t>()) +
                              " outside the vocabulary of " + std::to_string(config.text.vocab_size));
}

}  // namespace

int64_t Batch::num_images() const {
  return std::count_if(image_begin.begin(), image_begin.end(), [](int64_t b) { return b >= 0; });
}

int64_t Batch::length(int64_t b) const {
  if (!attention_mask.defined()) return seq_len();
  return attention_mask[b].to(torch::kLong).sum().item<int64_t>();
}

Batch Batch::To(torch::Device device) const {
  Batch out = *this;
  auto move = [&](torch::Tensor& t) {
    if (t.defined()) t = t.to(device);
  };
  move(out.input_ids);
  move(out.attention_mask);
  move(out.labels);
  move(out.images);
  move(out.vision_features);
  return out;
}

Status ValidateBatch(const Batch& batch, const ModelConfig& config) {
  if (!batch.input_ids.defined() || batch.input_ids.dim() != 2 ||
      batch.input_ids.scalar_type() != torch::kLong || batch.input_ids.numel() == 0) {
    return Status::InvalidInput("batch: field 'input_ids': expected a non-empty [B, L] int64 tensor");
  }
  if (batch.attention_mask.defined()) XMAS_RETURN_IF_ERROR(CheckMask(batch));
  if (batch.labels.defined()) {
    XMAS_RETURN_IF_ERROR(CheckShape("labels", batch.labels, batch.input_ids.sizes().vec()));
  }
  int64_t num_images = 0;
  XMAS_RETURN_IF_ERROR(CheckSpans(batch, config, &num_images));
  XMAS_RETURN_IF_ERROR(CheckImages(batch, config, num_images));
  return CheckIds(batch, config);
}

Result<Batch> Collate(const std::vector<const text::EncodedExample*>& examples,
                      const std::vector<const std::vector<float>*>& images,
                      const ModelConfig& config, const CollateOptions& options) {
  const int64_t b = static_cast<int64_t>(examples.size());
  if (b == 0 || images.size() != examples.size()) {
    return Status::InvalidInput("collate: expected one image slot per example and at least one example");
  }
  int64_t len = options.pad_to;
  for (const auto* e : examples) len = std::max(len, e->size());
  const VisionConfig& v = config.vision;
  const int64_t pixels = v.num_channels * v.image_size * v.image_size;
  Batch batch;
  batch.input_ids = torch::full({b, len}, options.pad_token_id, torch::kLong);
  batch.attention_mask = torch::zeros({b, len}, torch::kBool);
  if (options.with_labels) batch.labels = torch::full({b, len}, kIgnoreIndex, torch::kLong);
  std::vector<torch::Tensor> image_rows;
  for (int64_t i = 0; i < b; ++i) {
    const text::EncodedExample& e = *examples[i];
    const std::string where = "collate: example " + std::to_string(i) + ": field ";
    if (e.size() == 0) return Status::InvalidInput(where + "'input_ids': empty");
    if (e.labels.size() != e.input_ids.size()) {
      return Status::InvalidInput(where + "'labels': length differs from input_ids");
    }
    const std::vector<float>* img = images[i];
    const bool has_pixels = img != nullptr && !img->empty();
    if (has_pixels != e.has_image()) {
      return Status::InvalidInput(where + "'image': " + (e.has_image() ? "image block without pixels"
                                                                       : "pixels without an image block"));
    }
    if (has_pixels) {
      if (static_cast<int64_t>(img->size()) != pixels) {
        return Status::InvalidInput(where + "'image': expected " + std::to_string(pixels) +
                                    " values (C*H*W), got " + std::to_string(img->size()));
      }
      image_rows.push_back(torch::from_blob(const_cast<float*>(img->data()),
                                            {v.num_channels, v.image_size, v.image_size}, torch::kFloat32)
                               .clone());
    }
    auto ids = torch::from_blob(const_cast<int32_t*>(e.input_ids.data()), {e.size()}, torch::kInt32);
    batch.input_ids[i].slice(0, 0, e.size()).copy_(ids);
    batch.attention_mask[i].slice(0, 0, e.size()).fill_(true);
    if (options.with_labels) {
      auto labels = torch::from_blob(const_cast<int32_t*>(e.labels.data()), {e.size()}, torch::kInt32);
      batch.labels[i].slice(0, 0, e.size()).copy_(labels);
    }
    batch.image_begin.push_back(e.image_begin);
    batch.image_end.push_back(e.image_end);
  }
  if (!image_rows.empty()) batch.images = torch::stack(image_rows);
  Status valid = ValidateBatch(batch, config);
  if (!valid.ok()) return valid.WithPrefix("collate");
  return batch;
}

}  // namespace xmas::model
