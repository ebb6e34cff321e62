// What every generated source shares: inputs, the image sink, the image
// scale, and a sticky error (image writes happen deep inside record
// builders; the first failure is kept and reported by the source).
#pragma once

#include <string>

#include "xmas/demodata/canvas.h"
#include "xmas/demodata/fashion_mnist.h"
#include "xmas/demodata/font.h"
#include "xmas/demodata/image_sink.h"
#include "xmas/util/status.h"

namespace xmas::demodata {

// Images are kBaseSide × kBaseSide pixels times the integer scale.
constexpr int kBaseSide = 32;

struct SourceContext {
  const FashionMnist* fashion = nullptr;
  const Font* font = nullptr;
  ImageSink* images = nullptr;
  int scale = 1;

  int side() const { return kBaseSide * scale; }
};

class SourceBase {
 public:
  explicit SourceBase(const SourceContext& ctx) : ctx_(ctx) {}
  const Status& status() const { return status_; }

 protected:
  // Writes the image once; remembers the first error. Returns rel_path.
  std::string Save(const std::string& rel_path, const Canvas& canvas) {
    if (status_.ok()) status_ = ctx_.images->Write(rel_path, canvas);
    return rel_path;
  }
  SourceContext ctx_;
  Status status_;
};

}  // namespace xmas::demodata
