// Rasterising short words with a TrueType font (stb_truetype), for the
// OCR-like source: the word or number is drawn as large as fits the image.
#pragma once

#include <memory>
#include <string>

#include "xmas/demodata/canvas.h"
#include "xmas/util/status.h"

namespace xmas::demodata {

constexpr const char* kDefaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

class Font {
 public:
  // Errors name the file and, when it is missing, the package fonts-dejavu-core.
  static Result<Font> Load(const std::string& path);
  Font(Font&&) noexcept;
  Font& operator=(Font&&) noexcept;
  ~Font();

  // Draws ASCII `text` in colour `c`, scaled to the largest pixel height up to
  // `max_height` whose width fits `canvas` with a 1-pixel margin, centred and
  // then moved by (dx, dy). Returns the pixel height used (0 if nothing fits).
  int Draw(const std::string& text, Rgb c, int max_height, int dx, int dy, Canvas* canvas) const;

 private:
  Font();
  double TextWidth(const std::string& text, float scale) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xmas::demodata
