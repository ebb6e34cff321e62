// LLaVA's image preprocessing: expand2square / resize, then CLIP normalisation.
#include <algorithm>

#include "xmas/data/image.h"
#include "xmas/util/enum_names.h"
#include <stb/stb_image_resize.h>

namespace xmas::data {

Result<ResizeMode> ParseResizeMode(const std::string& name) {
  static constexpr EnumName<ResizeMode> kNames[] = {{ResizeMode::kPad, "pad"}, {ResizeMode::kSquare, "square"}};
  return ParseEnum(kNames, name, "image resize mode");
}

std::array<uint8_t, 3> PadColour(const std::array<float, 3>& mean) {
  std::array<uint8_t, 3> colour{};
  for (int c = 0; c < 3; ++c) {
    const float v = std::clamp(mean[c], 0.0f, 1.0f) * 255.0f;
    colour[c] = static_cast<uint8_t>(v);  // int() truncates, as in LLaVA
  }
  return colour;
}

Image PadToSquare(const Image& image, const std::array<uint8_t, 3>& colour) {
  const int side = std::max(image.width, image.height);
  if (image.width == image.height) return image;
  Image out;
  out.width = out.height = side;
  out.rgb.resize(static_cast<size_t>(side) * side * 3);
  for (size_t p = 0; p < out.rgb.size(); p += 3) std::copy(colour.begin(), colour.end(), out.rgb.begin() + p);
  // PIL's paste offsets: (side - smaller side) // 2 along the short axis.
  const int x0 = (side - image.width) / 2, y0 = (side - image.height) / 2;
  const size_t row = static_cast<size_t>(image.width) * 3;
  for (int y = 0; y < image.height; ++y) {
    std::copy_n(image.rgb.begin() + y * row, row,
                out.rgb.begin() + (static_cast<size_t>(y + y0) * side + x0) * 3);
  }
  return out;
}

Image Resize(const Image& image, int width, int height) {
  if (image.width == width && image.height == height) return image;
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.resize(static_cast<size_t>(width) * height * 3);
  stbir_resize_uint8_generic(image.rgb.data(), image.width, image.height, 0, out.rgb.data(), width, height, 0,
                             3, STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_FILTER_CATMULLROM,
                             STBIR_COLORSPACE_LINEAR, nullptr);
  return out;
}

Result<std::vector<float>> Preprocess(const Image& image, const PreprocessOptions& options) {
  if (options.size < 1 || options.size > 8192) {
    return Status::InvalidInput("image size " + std::to_string(options.size) + " is outside 1..8192");
  }
  for (float s : options.std) {
    if (!(s > 0.0f)) return Status::InvalidInput("image normalisation std must be positive");
  }
  if (image.width < 1 || image.height < 1 ||
      image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3) {
    return Status::InvalidInput("image has no pixels or a wrong buffer size");
  }
  const uint64_t side = static_cast<uint64_t>(std::max(image.width, image.height));
  if (options.mode == ResizeMode::kPad && side * side > kMaxPaddedPixels) {
    return Status::InvalidInput("image " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                                " pads to a square of " + std::to_string(side * side) +
                                " pixels, above the limit of " + std::to_string(kMaxPaddedPixels) +
                                " (resize mode 'square' does not pad)");
  }
  const Image squared = options.mode == ResizeMode::kPad ? PadToSquare(image, PadColour(options.mean)) : image;
  const Image resized = Resize(squared, options.size, options.size);
  const size_t plane = static_cast<size_t>(options.size) * options.size;
  std::vector<float> chw(3 * plane);
  for (int c = 0; c < 3; ++c) {
    const float scale = 1.0f / (255.0f * options.std[c]);
    const float shift = options.mean[c] / options.std[c];
    float* out = chw.data() + c * plane;
    for (size_t p = 0; p < plane; ++p) out[p] = resized.rgb[p * 3 + c] * scale - shift;
  }
  return chw;
}

Result<std::vector<float>> LoadImageTensor(const std::string& path, const ImageLimits& limits,
                                           const PreprocessOptions& options) {
  XMAS_ASSIGN_OR_RETURN(Image image, LoadImage(path, limits));
  return Preprocess(image, options);
}

}  // namespace xmas::data
