#include "xmas/model/preprocess.h"

namespace xmas::model {

data::PreprocessOptions TowerPreprocessing(const ModelConfig& config) {
  data::PreprocessOptions options;  // CLIP's mean/std by default
  options.size = static_cast<int>(config.vision.image_size);
  options.mode = config.image_aspect_ratio == "square" ? data::ResizeMode::kSquare : data::ResizeMode::kPad;
  if (config.vision.is_siglip()) {
    options.mean = {0.5f, 0.5f, 0.5f};
    options.std = {0.5f, 0.5f, 0.5f};
  }
  return options;
}

}  // namespace xmas::model
