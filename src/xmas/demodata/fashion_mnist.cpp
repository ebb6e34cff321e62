#include "xmas/demodata/fashion_mnist.h"

#include <zlib.h>

#include <filesystem>

namespace xmas::demodata {
namespace {

constexpr const char* kInstallHint =
    "install the Debian package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist) "
    "or pass --fashion-mnist DIR";

Result<std::string> Gunzip(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Status::NotFound(path + ": Fashion-MNIST file not found; " + kInstallHint);
  }
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IoError(path + ": cannot open");
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, n);
  bool failed = n < 0;
  gzclose(f);
  if (failed) return Status::IoError(path + ": not a readable gzip file");
  return out;
}

uint32_t BigEndian32(const std::string& bytes, size_t offset) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[offset + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

// Parses an IDX file with `dims` dimensions; returns the payload, and the
// first dimension in *count.
Result<std::string> ReadIdx(const std::string& path, uint32_t magic, int dims, size_t* count) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, Gunzip(path));
  const size_t header = 4 + 4 * static_cast<size_t>(dims);
  if (bytes.size() < header || BigEndian32(bytes, 0) != magic) {
    return Status::InvalidInput(path + ": field 'magic': not an IDX file of the expected kind");
  }
  size_t items = 1;
  for (int d = 0; d < dims; ++d) items *= BigEndian32(bytes, 4 + 4 * d);
  if (dims == 3 && (BigEndian32(bytes, 8) != kFashionSide || BigEndian32(bytes, 12) != kFashionSide)) {
    return Status::InvalidInput(path + ": field 'dimensions': expected 28×28 images");
  }
  if (bytes.size() != header + items) {
    return Status::InvalidInput(path + ": field 'data': expected " + std::to_string(items) +
                                " bytes, found " + std::to_string(bytes.size() - header));
  }
  *count = BigEndian32(bytes, 4);
  return bytes.substr(header);
}

Result<FashionSplit> LoadSplit(const std::string& dir, const std::string& prefix) {
  const std::string images_path = dir + "/" + prefix + "-images-idx3-ubyte.gz";
  const std::string labels_path = dir + "/" + prefix + "-labels-idx1-ubyte.gz";
  size_t n_images = 0, n_labels = 0;
  XMAS_ASSIGN_OR_RETURN(std::string pixels, ReadIdx(images_path, 0x803, 3, &n_images));
  XMAS_ASSIGN_OR_RETURN(std::string labels, ReadIdx(labels_path, 0x801, 1, &n_labels));
  if (n_images != n_labels) {
    return Status::InvalidInput(labels_path + ": field 'count': " + std::to_string(n_labels) +
                                " labels for " + std::to_string(n_images) + " images");
  }
  FashionSplit split;
  split.pixels.assign(pixels.begin(), pixels.end());
  split.labels.assign(labels.begin(), labels.end());
  for (size_t i = 0; i < split.labels.size(); ++i) {
    if (split.labels[i] >= kFashionClasses) {
      return Status::InvalidInput(labels_path + ": record " + std::to_string(i) +
                                  ": field 'label': " + std::to_string(split.labels[i]) +
                                  " is not a class in [0, 10)");
    }
  }
  return split;
}

}  // namespace

Result<FashionMnist> LoadFashionMnist(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) {
    return Status::NotFound(dir + ": Fashion-MNIST directory not found; " + kInstallHint);
  }
  FashionMnist data;
  XMAS_ASSIGN_OR_RETURN(data.train, LoadSplit(dir, "train"));
  XMAS_ASSIGN_OR_RETURN(data.test, LoadSplit(dir, "t10k"));
  return data;
}

const std::string& FashionClassName(int label) {
  static const std::vector<std::string> kNames = {"t-shirt", "trousers", "pullover", "dress",
                                                  "coat",    "sandal",   "shirt",    "sneaker",
                                                  "bag",     "ankle boot"};
  return kNames.at(label);
}

FashionGroup FashionGroupOf(int label) {
  switch (label) {
    case 1: return FashionGroup::kBottom;
    case 3: return FashionGroup::kDress;
    case 5: case 7: case 9: return FashionGroup::kFootwear;
    case 8: return FashionGroup::kBag;
    default: return FashionGroup::kTop;  // t-shirt, pullover, coat, shirt
  }
}

const char* FashionGroupName(FashionGroup group) {
  switch (group) {
    case FashionGroup::kTop: return "top";
    case FashionGroup::kBottom: return "bottom";
    case FashionGroup::kDress: return "dress";
    case FashionGroup::kFootwear: return "footwear";
    case FashionGroup::kBag: return "bag";
  }
  return "";
}

}  // namespace xmas::demodata
