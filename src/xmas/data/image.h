// Images for LLaVA records: safe path resolution, guarded decoding (PNG,
// JPEG, BMP, GIF through stb_image) and the CLIP-style preprocessing LLaVA
// applies before the vision tower.
//
//   XMAS_ASSIGN_OR_RETURN(auto path, ResolveImagePath(folder, record.image, false));
//   XMAS_ASSIGN_OR_RETURN(auto pixels, LoadImageTensor(path, {}, PreprocessOptions{}));
//   // pixels: 3 x 336 x 336 floats, channel-major, normalised with CLIP mean/std
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::data {

// Limits checked from the file header BEFORE decoding, so a small file that
// claims a huge canvas (a decompression bomb) is refused without allocating.
struct ImageLimits {
  uint64_t max_pixels = 50'000'000;     // width * height (a 7071 x 7071 image)
  uint64_t max_file_bytes = 256u << 20;  // refuse to read larger files at all
};

struct ImageInfo {
  int width = 0;
  int height = 0;
  int channels = 0;  // in the file: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
};

// 8-bit RGB pixels, row-major, interleaved (height x width x 3).
struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

// Joins `relative` (a record's "image") to `folder`. Unless `allow_outside`,
// refuses absolute paths, ".." components and paths whose real location
// (symlinks resolved) is outside the real folder. Does not require the file
// to exist. Errors are InvalidInput and name the path.
Result<std::string> ResolveImagePath(const std::string& folder, const std::string& relative,
                                     bool allow_outside);

// Reads the header only: format (PNG/JPEG/BMP/GIF by magic bytes), size,
// channels, and the limits. NotFound if the file is missing.
Result<ImageInfo> ReadImageInfo(const std::string& path, const ImageLimits& limits = {});

// Decodes to RGB (grey is expanded, alpha dropped; a GIF gives its first
// frame) after the header checks above. `name` is used in messages.
Result<Image> DecodeImage(std::string_view bytes, const std::string& name, const ImageLimits& limits = {});
Result<Image> LoadImage(const std::string& path, const ImageLimits& limits = {});

// How a non-square image becomes size x size (LLaVA's image_aspect_ratio):
// kPad pads to a square with the mean colour, centred (LLaVA's expand2square
// with the CLIP mean, i.e. RGB (122, 116, 104)), then resizes; kSquare
// resizes directly, ignoring the aspect ratio.
enum class ResizeMode { kPad, kSquare };
Result<ResizeMode> ParseResizeMode(const std::string& name);  // "pad" or "square"

struct PreprocessOptions {
  int size = 336;  // output side (336 for CLIP ViT-L/14-336; e.g. 32 for tiny models)
  ResizeMode mode = ResizeMode::kPad;
  // Normalisation: (pixel / 255 - mean) / std per channel (CLIP's values).
  std::array<float, 3> mean = {0.48145466f, 0.4578275f, 0.40821073f};
  std::array<float, 3> std = {0.26862954f, 0.26130258f, 0.27577711f};
};

// The pad colour for `mean`: int(m * 255) per channel, as LLaVA computes it.
std::array<uint8_t, 3> PadColour(const std::array<float, 3>& mean);

// Pads `image` to a centred square of side max(width, height) (expand2square).
Image PadToSquare(const Image& image, const std::array<uint8_t, 3>& colour);

// Resizes with a bicubic (Catmull-Rom) filter, antialiased when shrinking.
Image Resize(const Image& image, int width, int height);

// Largest square kPad builds: a 1 x 40000 strip is within the pixel limit
// but its padded square would need 4.8 GB (found by fuzz/image_fuzz.cpp).
constexpr uint64_t kMaxPaddedPixels = 50'000'000;

// The vision tower's input: 3 x size x size floats, channel-major (CHW).
// Errors if the options are invalid (size < 1, std == 0) or kPad's square
// would exceed kMaxPaddedPixels.
Result<std::vector<float>> Preprocess(const Image& image, const PreprocessOptions& options);

// LoadImage + Preprocess.
Result<std::vector<float>> LoadImageTensor(const std::string& path, const ImageLimits& limits,
                                           const PreprocessOptions& options);

}  // namespace xmas::data
