// The default ImageLoader: the data component's CLIP preprocessing, with the
// LLaVA-1.5 setting image_aspect_ratio = pad, at the vision tower's size.
#include "xmas/data/image.h"
#include "xmas/train/example_source.h"

namespace xmas::train {

ImageLoader DefaultImageLoader() {
  return [](const std::string& path, const model::ModelConfig& config) {
    data::PreprocessOptions options;
    options.size = static_cast<int>(config.vision.image_size);
    options.mode = data::ResizeMode::kPad;
    return data::LoadImageTensor(path, data::ImageLimits{}, options);
  };
}

}  // namespace xmas::train
