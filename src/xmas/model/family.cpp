#include "xmas/model/family.h"

namespace xmas::model {

const std::vector<DecoderFamily>& DecoderFamilies() {
  static const std::vector<DecoderFamily> kTable = {LlamaFamily(), MistralFamily(), Qwen2Family(),
                                                    StableLmFamily(), PhiFamily()};
  return kTable;
}

const DecoderFamily* FindFamily(const std::string& model_type) {
  for (const auto& f : DecoderFamilies()) {
    if (model_type == f.model_type) return &f;
  }
  return nullptr;
}

std::vector<std::string> FamilyNames() {
  std::vector<std::string> names;
  for (const auto& f : DecoderFamilies()) names.push_back(f.model_type);
  return names;
}

DecoderSpec SpecOf(const TextConfig& config) {
  const DecoderFamily* family = FindFamily(config.model_type);
  return family != nullptr ? family->spec(config) : DecoderSpec{};
}

}  // namespace xmas::model
