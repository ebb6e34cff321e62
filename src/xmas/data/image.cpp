#include "xmas/data/image.h"

#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>

#include "xmas/data/image_guard.h"
#include "xmas/util/atomic_file.h"

namespace xmas::data {
namespace fs = std::filesystem;

namespace {

bool StartsWith(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.compare(0, magic.size(), magic) == 0;
}

// stb also reads TGA, PSD, HDR, ... (TGA has no magic number, so almost any
// bytes "decode"); only the formats of instruction-tuning sets are accepted.
bool IsSupportedFormat(std::string_view bytes) {
  return StartsWith(bytes, "\x89PNG\r\n\x1a\n") || StartsWith(bytes, "\xFF\xD8\xFF") ||
         StartsWith(bytes, "BM") || StartsWith(bytes, "GIF87a") || StartsWith(bytes, "GIF89a");
}

Result<ImageInfo> InfoFromBytes(std::string_view bytes, const std::string& name, const ImageLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return Status::InvalidInput(name + ": image file is " + std::to_string(bytes.size()) +
                                " bytes, above the limit of " + std::to_string(limits.max_file_bytes));
  }
  if (!IsSupportedFormat(bytes)) return Status::InvalidInput(name + ": not a PNG, JPEG, BMP or GIF image");
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return Status::InvalidInput(name + ": image too large");
  if (StartsWith(bytes, "\xFF\xD8\xFF")) XMAS_RETURN_IF_ERROR(CheckJpegHuffmanTables(bytes, name));
  if (StartsWith(bytes, "\x89PNG")) XMAS_RETURN_IF_ERROR(CheckPngChunkLengths(bytes, name));
  ImageInfo info;
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  if (!stbi_info_from_memory(data, static_cast<int>(bytes.size()), &info.width, &info.height, &info.channels)) {
    return Status::InvalidInput(name + ": corrupt image header (" + stbi_failure_reason() + ")");
  }
  const uint64_t pixels = static_cast<uint64_t>(info.width) * static_cast<uint64_t>(info.height);
  if (info.width <= 0 || info.height <= 0) return Status::InvalidInput(name + ": image has no pixels");
  if (pixels > limits.max_pixels) {
    return Status::InvalidInput(name + ": image is " + std::to_string(info.width) + "x" +
                                std::to_string(info.height) + " pixels, above the limit of " +
                                std::to_string(limits.max_pixels) + " pixels");
  }
  return info;
}

Result<std::string> ReadImageFile(const std::string& path, const ImageLimits& limits) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path + ": image file not found");
  if (!fs::is_regular_file(path, ec)) return Status::InvalidInput(path + ": not a regular file");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limits.max_file_bytes) {
    return Status::InvalidInput(path + ": image file is " + std::to_string(size) +
                                " bytes, above the limit of " + std::to_string(limits.max_file_bytes));
  }
  return ReadFile(path);
}

}  // namespace

Result<ImageInfo> ReadImageInfo(const std::string& path, const ImageLimits& limits) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadImageFile(path, limits));
  return InfoFromBytes(bytes, path, limits);
}

Result<Image> DecodeImage(std::string_view bytes, const std::string& name, const ImageLimits& limits) {
  XMAS_ASSIGN_OR_RETURN(ImageInfo info, InfoFromBytes(bytes, name, limits));
  std::string without_empty_idat;
  if (StartsWith(bytes, "\x89PNG")) {
    XMAS_RETURN_IF_ERROR(CheckPngInflatedSize(bytes, name));
    if (auto kept = DropEmptyIdatChunks(bytes)) {
      without_empty_idat = std::move(*kept);
      bytes = without_empty_idat;
    }
  }
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), static_cast<int>(bytes.size()),
                            &width, &height, &channels, 3),
      stbi_image_free);
  if (!pixels) return Status::InvalidInput(name + ": corrupt image (" + stbi_failure_reason() + ")");
  if (width != info.width || height != info.height) {
    return Status::InvalidInput(name + ": image size differs between header and data");
  }
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.assign(pixels.get(), pixels.get() + static_cast<size_t>(width) * height * 3);
  return image;
}

Result<Image> LoadImage(const std::string& path, const ImageLimits& limits) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadImageFile(path, limits));
  return DecodeImage(bytes, path, limits);
}

}  // namespace xmas::data
