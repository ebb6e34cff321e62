#include "xmas/demodata/font.h"

#include <stb/stb_truetype.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "xmas/util/atomic_file.h"

namespace xmas::demodata {

struct Font::Impl {
  std::string bytes;  // stb_truetype reads the font in place
  stbtt_fontinfo info;
};

Font::Font() : impl_(std::make_unique<Impl>()) {}
Font::Font(Font&&) noexcept = default;
Font& Font::operator=(Font&&) noexcept = default;
Font::~Font() = default;

Result<Font> Font::Load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Status::NotFound(path + ": font not found; install the Debian package fonts-dejavu-core "
                                   "or pass --font FILE");
  }
  Font font;
  XMAS_ASSIGN_OR_RETURN(font.impl_->bytes, ReadFile(path));
  const auto* data = reinterpret_cast<const unsigned char*>(font.impl_->bytes.data());
  int offset = stbtt_GetFontOffsetForIndex(data, 0);
  if (offset < 0 || !stbtt_InitFont(&font.impl_->info, data, offset)) {
    return Status::InvalidInput(path + ": not a TrueType font");
  }
  return font;
}

double Font::TextWidth(const std::string& text, float scale) const {
  double width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&impl_->info, text[i], &advance, &bearing);
    width += advance * scale;
    if (i + 1 < text.size()) width += scale * stbtt_GetCodepointKernAdvance(&impl_->info, text[i], text[i + 1]);
  }
  return width;
}

int Font::Draw(const std::string& text, Rgb c, int max_height, int dx, int dy, Canvas* canvas) const {
  const stbtt_fontinfo* info = &impl_->info;
  int height = max_height;
  float scale = 0;
  for (; height > 0; --height) {
    scale = stbtt_ScaleForPixelHeight(info, static_cast<float>(height));
    if (TextWidth(text, scale) <= canvas->width() - 2) break;
  }
  if (height == 0) return 0;
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(info, &ascent, &descent, &gap);
  double x = (canvas->width() - TextWidth(text, scale)) / 2 + dx;
  const int baseline = static_cast<int>(std::lround((canvas->height() + (ascent + descent) * scale) / 2)) + dy;
  for (size_t i = 0; i < text.size(); ++i) {
    int x0, y0, x1, y1;
    stbtt_GetCodepointBitmapBox(info, text[i], scale, scale, &x0, &y0, &x1, &y1);
    const int w = x1 - x0, h = y1 - y0;
    if (w > 0 && h > 0) {
      std::vector<unsigned char> glyph(static_cast<size_t>(w) * h);
      stbtt_MakeCodepointBitmap(info, glyph.data(), w, h, w, scale, scale, text[i]);
      const int left = static_cast<int>(std::lround(x)) + x0;
      for (int gy = 0; gy < h; ++gy) {
        for (int gx = 0; gx < w; ++gx) canvas->Blend(left + gx, baseline + y0 + gy, c, glyph[gy * w + gx]);
      }
    }
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(info, text[i], &advance, &bearing);
    x += advance * scale;
    if (i + 1 < text.size()) x += scale * stbtt_GetCodepointKernAdvance(info, text[i], text[i + 1]);
  }
  return height;
}

}  // namespace xmas::demodata
