#include "xmas/demodata/canvas.h"

#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>

namespace xmas::demodata {

Canvas::Canvas(int width, int height, Rgb fill)
    : width_(width), height_(height), pixels_(static_cast<size_t>(width) * height * 3) {
  FillRect(0, 0, width, height, fill);
}

Rgb Canvas::At(int x, int y) const {
  size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
}

void Canvas::Set(int x, int y, Rgb c) { Blend(x, y, c, 255); }

void Canvas::Blend(int x, int y, Rgb c, int alpha) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || alpha <= 0) return;
  alpha = std::min(alpha, 255);
  size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  const uint8_t src[3] = {c.r, c.g, c.b};
  for (int k = 0; k < 3; ++k) {
    pixels_[i + k] = static_cast<uint8_t>((src[k] * alpha + pixels_[i + k] * (255 - alpha) + 127) / 255);
  }
}

void Canvas::FillRect(int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = std::max(0, y0); y < std::min(height_, y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(width_, x1); ++x) Set(x, y, c);
  }
}

void Canvas::FillCircle(double cx, double cy, double radius, Rgb c) {
  // 4×4 supersampling gives smooth edges at these tiny sizes.
  for (int y = static_cast<int>(cy - radius) - 1; y <= static_cast<int>(cy + radius) + 1; ++y) {
    for (int x = static_cast<int>(cx - radius) - 1; x <= static_cast<int>(cx + radius) + 1; ++x) {
      int inside = 0;
      for (int sy = 0; sy < 4; ++sy) {
        for (int sx = 0; sx < 4; ++sx) {
          double dx = x + (sx + 0.5) / 4 - cx, dy = y + (sy + 0.5) / 4 - cy;
          inside += dx * dx + dy * dy <= radius * radius;
        }
      }
      Blend(x, y, c, inside * 255 / 16);
    }
  }
}

void Canvas::FillTriangle(int x0, int y0, int x1, int y1, Rgb c) {
  const double apex_x = (x0 + x1) / 2.0, h = y1 - y0, half = (x1 - x0) / 2.0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      int inside = 0;
      for (int sy = 0; sy < 4; ++sy) {
        for (int sx = 0; sx < 4; ++sx) {
          double px = x + (sx + 0.5) / 4, py = y + (sy + 0.5) / 4;
          double reach = half * (py - y0) / h;  // half-width at this height
          inside += std::fabs(px - apex_x) <= reach;
        }
      }
      Blend(x, y, c, inside * 255 / 16);
    }
  }
}

namespace {
void AppendBytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}
}  // namespace

Result<std::string> Canvas::EncodePng() const {
  std::string out;
  if (!stbi_write_png_to_func(AppendBytes, &out, width_, height_, 3, pixels_.data(), width_ * 3)) {
    return Status::Internal("PNG encoding failed");
  }
  return out;
}

}  // namespace xmas::demodata
