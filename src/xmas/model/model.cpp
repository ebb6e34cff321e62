#include "xmas/model/model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "xmas/model/connector.h"
#include "xmas/model/decoder.h"
#include "xmas/model/vision.h"
#include "xmas/util/enum_names.h"

namespace xmas::model {
namespace {

// HF-style initialisation: matrices and embeddings ~ N(0, 0.02), biases 0,
// norm weights 1 (kept from construction), from a private generator.
void InitParameters(torch::nn::Module& module, uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& p : module.named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor& t = p.value();
    const bool is_norm = name.find("norm") != std::string::npos;
    if (is_norm) continue;
    if (name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0) {
      t.zero_();
    } else {
      t.normal_(0.0, 0.02, gen);
    }
  }
}

// First line of a torch error, without the C++ backtrace.
std::string TorchMessage(const c10::Error& e) {
  std::string msg = e.what_without_backtrace();
  return msg.substr(0, msg.find('\n'));
}

// [B, 1, L, T] bool: query i (absolute position offset + i) may see key j.
torch::Tensor AllowedKeys(const torch::Tensor& key_valid, int64_t offset, int64_t length) {
  const int64_t total = key_valid.size(1);
  auto opts = torch::TensorOptions().dtype(torch::kLong).device(key_valid.device());
  torch::Tensor query_pos = torch::arange(offset, offset + length, opts).unsqueeze(1);
  torch::Tensor key_pos = torch::arange(total, opts).unsqueeze(0);
  torch::Tensor causal = key_pos.le(query_pos);  // [L, T]
  return causal.unsqueeze(0).logical_and(key_valid.unsqueeze(1)).unsqueeze(1);
}

// Mean next-token loss and the per-token losses aligned with labels.
void ComputeLoss(const torch::Tensor& logits, torch::Tensor labels, const Batch& batch,
                 ForwardOutput* out) {
  if (batch.attention_mask.defined()) {
    labels = labels.masked_fill(batch.attention_mask.to(torch::kBool).logical_not(), kIgnoreIndex);
  }
  const int64_t b = logits.size(0), l = logits.size(1), v = logits.size(2);
  torch::Tensor target = labels.slice(1, 1);                       // [B, L-1]
  torch::Tensor pred = logits.slice(1, 0, l - 1).to(torch::kFloat32);  // [B, L-1, V]
  torch::Tensor losses = torch::nn::functional::cross_entropy(
      pred.reshape({-1, v}), target.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kNone));
  losses = losses.view({b, l - 1});
  torch::Tensor counted = target.ne(kIgnoreIndex);
  out->token_loss = torch::cat({torch::zeros({b, 1}, losses.options()), losses}, 1);
  out->token_count = counted.sum(1);
  torch::Tensor total = counted.sum();
  out->loss = losses.sum() / total.clamp_min(1).to(losses.scalar_type());
}

}  // namespace

Model::Model(const ModelConfig& config, torch::Device device, torch::Dtype dtype)
    : config_(config), device_(device), dtype_(dtype) {
  vision_tower_ = register_module("vision_tower", std::make_shared<VisionTower>(config.vision));
  projector_ = register_module("multi_modal_projector", std::make_shared<Connector>(config));
  language_model_ = register_module("language_model", std::make_shared<DecoderLM>(config.text));
}

Result<std::shared_ptr<Model>> Model::Create(const ModelConfig& config, torch::Device device,
                                             torch::Dtype dtype, uint64_t seed) {
  XMAS_RETURN_IF_ERROR(Validate(config));
  if (dtype != torch::kFloat32 && dtype != torch::kBFloat16 && dtype != torch::kFloat16) {
    return Status::InvalidInput("model: dtype must be float32, bfloat16 or float16");
  }
  try {
    std::shared_ptr<Model> model(new Model(config, device, dtype));
    InitParameters(*model, seed);
    model->to(device, dtype);
    return model;
  } catch (const c10::Error& e) {
    return Status::Internal("model: cannot build on " + device.str() + ": " + TorchMessage(e));
  }
}

torch::Tensor Model::Project(const torch::Tensor& vision_features) {
  return projector_->forward(vision_features.to(device_, dtype_));
}

torch::Tensor Model::VisionFeatures(const torch::Tensor& images) {
  torch::Tensor h = vision_tower_->HiddenState(images.to(device_, dtype_), config_.resolved_feature_layer());
  if (config_.drops_first_token()) h = h.slice(1, 1);
  return h;
}

Result<torch::Tensor> Model::EncodeVision(const torch::Tensor& images) {
  const VisionConfig& v = config_.vision;
  if (!images.defined() || images.dim() != 4 || images.size(1) != v.num_channels ||
      images.size(2) != v.image_size || images.size(3) != v.image_size) {
    return Status::InvalidInput("images: expected [M, " + std::to_string(v.num_channels) + ", " +
                                std::to_string(v.image_size) + ", " + std::to_string(v.image_size) + "]");
  }
  try {
    return VisionFeatures(images);
  } catch (const c10::Error& e) {
    return Status::Internal("vision tower: " + TorchMessage(e));
  }
}

torch::Tensor Model::EmbedInputs(const Batch& batch) {
  torch::Tensor ids = batch.input_ids.to(device_);
  const int64_t b = ids.size(0);
  const bool any_image = batch.num_images() > 0;
  if (any_image) {
    ids = ids.clone();
    for (int64_t i = 0; i < b; ++i) {
      if (batch.image_begin[i] >= 0) ids[i].slice(0, batch.image_begin[i], batch.image_end[i]).fill_(0);
    }
  }
  torch::Tensor embeds = language_model_->Embed(ids);
  if (!any_image) return embeds;
  torch::Tensor features = batch.vision_features;
  if (!features.defined()) features = VisionFeatures(batch.images);
  torch::Tensor projected = Project(features);
  std::vector<torch::Tensor> rows;
  int64_t slot = 0;
  for (int64_t i = 0; i < b; ++i) {
    const int64_t begin = batch.image_begin[i], end = batch.image_end[i];
    if (begin < 0) {
      rows.push_back(embeds[i]);
      continue;
    }
    rows.push_back(torch::cat({embeds[i].slice(0, 0, begin), projected[slot++], embeds[i].slice(0, end)}, 0));
  }
  return torch::stack(rows);
}

Result<torch::Tensor> Model::InputEmbeddings(const Batch& batch) {
  XMAS_RETURN_IF_ERROR(ValidateBatch(batch, config_));
  try {
    return EmbedInputs(batch);
  } catch (const c10::Error& e) {
    return Status::Internal("embeddings: " + TorchMessage(e));
  }
}

Result<ForwardOutput> Model::Forward(const Batch& batch, const ForwardOptions& options, KvCache* cache) {
  XMAS_RETURN_IF_ERROR(ValidateBatch(batch, config_));
  const int64_t n_layers = config_.text.num_hidden_layers;
  ForwardOutput out;
  std::vector<LayerCapture*> per_layer(n_layers, nullptr);
  std::vector<int64_t> resolved;
  for (int64_t layer : options.capture_layers) {
    const int64_t r = layer < 0 ? n_layers + layer : layer;
    if (r < 0 || r >= n_layers) {
      return Status::InvalidInput("forward: capture layer " + std::to_string(layer) + " outside 0.." +
                                  std::to_string(n_layers - 1));
    }
    resolved.push_back(r);
  }
  out.layers.resize(resolved.size());
  for (size_t i = 0; i < resolved.size(); ++i) {
    out.layers[i].layer = resolved[i];
    if (per_layer[resolved[i]] == nullptr) per_layer[resolved[i]] = &out.layers[i];
  }
  const bool stop_early = options.stop_after_last_capture && !resolved.empty();
  const int64_t last = stop_early ? *std::max_element(resolved.begin(), resolved.end()) : n_layers - 1;
  try {
    const int64_t offset = cache != nullptr ? cache->length() : 0;
    const int64_t b = batch.batch_size(), l = batch.seq_len();
    torch::Tensor mask = batch.attention_mask.defined() ? batch.attention_mask.to(device_, torch::kBool)
                                                        : torch::ones({b, l}, torch::TensorOptions(device_).dtype(torch::kBool));
    if (cache != nullptr) {
      if (!mask.all().item<bool>()) {
        return Status::InvalidInput("forward: a KV cache needs an unpadded batch");
      }
      cache->keys.resize(n_layers);
      cache->values.resize(n_layers);
    }
    torch::Tensor key_valid = torch::cat({torch::ones({b, offset}, mask.options()), mask}, 1);
    DecoderContext ctx;
    const int64_t window = config_.text.sliding_window;
    if (window > 0 && offset + l > window) {
      return Status::InvalidInput("forward: " + std::to_string(offset + l) +
                                  " positions exceed the sliding window of " + std::to_string(window) +
                                  " (not supported)");
    }
    ctx.rope = MakeRope(offset, l, config_.text.rotary_dim(), config_.text.rope_theta, device_, dtype_);
    ctx.allowed = AllowedKeys(key_valid, offset, l);
    ctx.options = &options;
    if (stop_early && options.last_capture_qk_only && options.capture_qk && cache == nullptr) {
      ctx.qk_only_layer = last;
    }
    torch::Tensor h = language_model_->RunLayers(EmbedInputs(batch), ctx, last, per_layer, cache);
    for (size_t i = 0; i < out.layers.size(); ++i) {
      const LayerCapture* first = per_layer[resolved[i]];
      if (first != &out.layers[i]) out.layers[i] = *first;
    }
    if (!options.compute_logits || stop_early) return out;
    out.last_hidden = language_model_->Norm(h);
    torch::Tensor logits = language_model_->Logits(out.last_hidden);
    if (batch.labels.defined()) ComputeLoss(logits, batch.labels.to(device_), batch, &out);
    if (options.keep_logits) out.logits = logits;
    return out;
  } catch (const c10::Error& e) {
    return Status::Internal("forward: " + TorchMessage(e));
  }
}

std::vector<torch::Tensor> Model::VisionParameters() const { return vision_tower_->parameters(); }
std::vector<torch::Tensor> Model::ProjectorParameters() const { return projector_->parameters(); }
std::vector<torch::Tensor> Model::LanguageParameters() const { return language_model_->parameters(); }

void Model::FreezeVision(bool frozen) {
  for (auto& p : vision_tower_->parameters()) p.set_requires_grad(!frozen);
}

namespace {
constexpr EnumName<torch::Dtype> kDtypeNames[] = {
    {torch::kFloat32, "float32"},   {torch::kFloat32, "fp32"}, {torch::kBFloat16, "bfloat16"},
    {torch::kBFloat16, "bf16"},     {torch::kFloat16, "float16"}, {torch::kFloat16, "fp16"}};
}  // namespace

Result<torch::Dtype> ParseDtype(const std::string& name) { return ParseEnum(kDtypeNames, name, "dtype"); }

const char* DtypeName(torch::Dtype dtype) { return NameOf(kDtypeNames, dtype, "unsupported"); }

}  // namespace xmas::model
