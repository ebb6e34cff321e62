#include "xmas/model/generate.h"

namespace xmas::model {
namespace {

// Row b of `prompts` as an unpadded batch of one (its image included).
Batch SingleExample(const Batch& prompts, int64_t b, int64_t* image_slot) {
  Batch one;
  const int64_t len = prompts.length(b);
  one.input_ids = prompts.input_ids.slice(0, b, b + 1).slice(1, 0, len);
  one.image_begin = {prompts.image_begin[b]};
  one.image_end = {prompts.image_end[b]};
  if (prompts.image_begin[b] >= 0) {
    const int64_t s = (*image_slot)++;
    if (prompts.vision_features.defined()) {
      one.vision_features = prompts.vision_features.slice(0, s, s + 1);
    } else {
      one.images = prompts.images.slice(0, s, s + 1);
    }
  }
  return one;
}

int64_t LastToken(const ForwardOutput& out) {
  return out.logits[0][out.logits.size(1) - 1].argmax().item<int64_t>();
}

Result<std::vector<int64_t>> GenerateOne(Model& model, Batch batch, const GenerateOptions& options,
                                         int64_t eos) {
  ForwardOptions fwd;
  fwd.keep_logits = true;
  KvCache cache;
  KvCache* cache_ptr = options.use_cache ? &cache : nullptr;
  std::vector<int64_t> generated;
  XMAS_ASSIGN_OR_RETURN(ForwardOutput out, model.Forward(batch, fwd, cache_ptr));
  while (static_cast<int64_t>(generated.size()) < options.max_new_tokens) {
    const int64_t token = LastToken(out);
    generated.push_back(token);
    if (token == eos || static_cast<int64_t>(generated.size()) == options.max_new_tokens) break;
    torch::Tensor next = torch::full({1, 1}, token, batch.input_ids.options());
    if (options.use_cache) {
      Batch step;
      step.input_ids = next;
      step.image_begin = {-1};
      step.image_end = {-1};
      XMAS_ASSIGN_OR_RETURN(out, model.Forward(step, fwd, cache_ptr));
    } else {
      batch.input_ids = torch::cat({batch.input_ids, next}, 1);
      XMAS_ASSIGN_OR_RETURN(out, model.Forward(batch, fwd, nullptr));
    }
  }
  return generated;
}

}  // namespace

Result<std::vector<std::vector<int64_t>>> GenerateGreedy(Model& model, const Batch& prompts,
                                                         const GenerateOptions& options) {
  XMAS_RETURN_IF_ERROR(ValidateBatch(prompts, model.config()));
  torch::NoGradGuard no_grad;
  const int64_t eos = options.eos_token_id >= 0 ? options.eos_token_id : model.config().eos_token_id;
  std::vector<std::vector<int64_t>> result;
  int64_t image_slot = 0;
  for (int64_t b = 0; b < prompts.batch_size(); ++b) {
    Batch one = SingleExample(prompts, b, &image_slot);
    XMAS_ASSIGN_OR_RETURN(std::vector<int64_t> tokens, GenerateOne(model, one, options, eos));
    result.push_back(std::move(tokens));
  }
  return result;
}

}  // namespace xmas::model
