// Where generated images go: DIR/images/<relative path>.png. Each path is
// written once; the dataset records refer to it relative to DIR/images (the
// LLaVA "--image_folder" convention).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "xmas/demodata/canvas.h"
#include "xmas/util/status.h"

namespace xmas::demodata {

class ImageSink {
 public:
  // `images_dir` is created on the first write.
  explicit ImageSink(std::string images_dir) : images_dir_(std::move(images_dir)) {}

  // Encodes and writes `canvas` to images_dir/rel_path unless that path was
  // already written by this sink. Plain writes: the generator makes the whole
  // output directory appear at once by renaming it when everything is done.
  Status Write(const std::string& rel_path, const Canvas& canvas);

  size_t images() const { return written_.size(); }
  uint64_t bytes() const { return bytes_; }

 private:
  std::string images_dir_;
  std::set<std::string> written_;
  std::set<std::string> dirs_;
  uint64_t bytes_ = 0;
};

}  // namespace xmas::demodata
