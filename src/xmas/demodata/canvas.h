// A small RGB raster with the few drawing operations the demo images need,
// and PNG encoding (stb_image_write, deterministic for the same pixels).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::demodata {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb fill);

  int width() const { return width_; }
  int height() const { return height_; }
  Rgb At(int x, int y) const;
  void Set(int x, int y, Rgb c);  // ignores pixels outside the canvas
  // Mixes `c` into pixel (x, y) with coverage alpha in [0, 255].
  void Blend(int x, int y, Rgb c, int alpha);

  void FillRect(int x0, int y0, int x1, int y1, Rgb c);  // [x0, x1) × [y0, y1)
  void FillCircle(double cx, double cy, double radius, Rgb c);
  // An upward isosceles triangle inside the box [x0, x1) × [y0, y1).
  void FillTriangle(int x0, int y0, int x1, int y1, Rgb c);

  // PNG bytes (RGB, 8 bit).
  Result<std::string> EncodePng() const;

 private:
  int width_, height_;
  std::vector<uint8_t> pixels_;  // row-major RGB
};

}  // namespace xmas::demodata
