#include "xmas/demodata/image_sink.h"

#include <cstdio>
#include <filesystem>

namespace xmas::demodata {

Status ImageSink::Write(const std::string& rel_path, const Canvas& canvas) {
  if (written_.count(rel_path)) return Status::Ok();
  const std::filesystem::path path = std::filesystem::path(images_dir_) / rel_path;
  const std::string dir = path.parent_path().string();
  if (!dirs_.count(dir)) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError(dir + ": cannot create directory: " + ec.message());
    dirs_.insert(dir);
  }
  XMAS_ASSIGN_OR_RETURN(std::string png, canvas.EncodePng());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError(path.string() + ": cannot create image file");
  bool ok = std::fwrite(png.data(), 1, png.size(), f) == png.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return Status::IoError(path.string() + ": write failed");
  written_.insert(rel_path);
  bytes_ += png.size();
  return Status::Ok();
}

}  // namespace xmas::demodata
