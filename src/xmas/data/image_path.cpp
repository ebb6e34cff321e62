// ResolveImagePath: keeps a record's image inside the image folder.
#include <filesystem>

#include "xmas/data/image.h"

namespace xmas::data {
namespace fs = std::filesystem;

namespace {

// True if `path` is `dir` or below it (both already canonical).
bool IsInside(const fs::path& dir, const fs::path& path) {
  auto d = dir.begin(), p = path.begin();
  for (; d != dir.end(); ++d, ++p) {
    if (d->empty() && std::next(d) == dir.end()) break;  // trailing slash of dir
    if (p == path.end() || *d != *p) return false;
  }
  return true;
}

}  // namespace

Result<std::string> ResolveImagePath(const std::string& folder, const std::string& relative,
                                     bool allow_outside) {
  if (relative.empty()) return Status::InvalidInput("empty image path");
  if (relative.find('\0') != std::string::npos) return Status::InvalidInput("image path contains a NUL byte");
  const fs::path rel(relative);
  if (allow_outside) return (rel.is_absolute() ? rel : fs::path(folder) / rel).string();
  const std::string hint = " (pass --allow-outside-image-folder to allow it)";
  if (rel.is_absolute()) {
    return Status::InvalidInput("image path '" + relative + "' is absolute" + hint);
  }
  for (const auto& part : rel) {
    if (part == "..") {
      return Status::InvalidInput("image path '" + relative + "' has a '..' component" + hint);
    }
  }
  const fs::path joined = fs::path(folder) / rel;
  std::error_code ec;
  const fs::path real_folder = fs::weakly_canonical(folder.empty() ? fs::path(".") : fs::path(folder), ec);
  if (ec) return Status::IoError(folder + ": cannot resolve the image folder: " + ec.message());
  const fs::path real = fs::weakly_canonical(joined, ec);
  if (ec) return Status::IoError(joined.string() + ": cannot resolve: " + ec.message());
  if (!IsInside(real_folder, real)) {
    return Status::InvalidInput("image path '" + relative + "' resolves to " + real.string() +
                                ", outside the image folder " + real_folder.string() + hint);
  }
  return joined.string();
}

}  // namespace xmas::data
