// The default ImageLoader: the vision tower's preprocessing
// (model/preprocess.h: LLaVA-1.5's pad, the tower's size and mean/std).
#include "xmas/data/image.h"
#include "xmas/model/preprocess.h"
#include "xmas/train/example_source.h"

namespace xmas::train {

ImageLoader DefaultImageLoader() {
  return [](const std::string& path, const model::ModelConfig& config) {
    return data::LoadImageTensor(path, data::ImageLimits{}, model::TowerPreprocessing(config));
  };
}

}  // namespace xmas::train
