// Fuzzes image decoding (xmas/data/image.h): header checks, stb_image
// decoding (compiled into the fuzz build from source, so it is instrumented
// too: see fuzz/CMakeLists.txt) and LLaVA preprocessing. Byte 0 picks the
// resize mode; the rest is the file. Contract checked: a clean error, or an
// image within the pixel limit whose pixels and preprocessed tensor have
// the right sizes.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "fuzz_target.h"
#include "xmas/data/image.h"

XMAS_FUZZ_TARGET(image) {
  if (size == 0) return 0;
  xmas::data::ImageLimits limits;
  limits.max_pixels = 1 << 20;  // small, so one input stays fast
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto image = xmas::data::DecodeImage(bytes, "fuzz.img", limits);
  if (!image.ok()) return 0;
  const uint64_t pixels = static_cast<uint64_t>(image->width) * static_cast<uint64_t>(image->height);
  if (image->width <= 0 || image->height <= 0 || pixels > limits.max_pixels ||
      image->rgb.size() != pixels * 3) {
    std::abort();
  }
  xmas::data::PreprocessOptions pre;
  pre.size = 8;
  pre.mode = data[0] & 1 ? xmas::data::ResizeMode::kSquare : xmas::data::ResizeMode::kPad;
  auto tensor = xmas::data::Preprocess(*image, pre);
  if (!tensor.ok()) {  // only kPad's square limit may refuse a decoded image
    const uint64_t side = static_cast<uint64_t>(std::max(image->width, image->height));
    if (pre.mode != xmas::data::ResizeMode::kPad || side * side <= xmas::data::kMaxPaddedPixels) std::abort();
    return 0;
  }
  if (tensor->size() != 3u * 8 * 8) std::abort();
  for (float v : *tensor) {
    if (!std::isfinite(v)) std::abort();
  }
  return 0;
}
