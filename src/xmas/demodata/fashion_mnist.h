// Fashion-MNIST (Zalando's 28×28 greyscale photographs of clothing), read
// from the IDX .gz files of Debian's dataset-fashion-mnist package.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::demodata {

constexpr const char* kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr int kFashionSide = 28;
constexpr int kFashionClasses = 10;

struct FashionSplit {
  std::vector<uint8_t> pixels;  // n × 28 × 28, row-major, 0 = background
  std::vector<uint8_t> labels;  // n, in [0, 10)
  size_t size() const { return labels.size(); }
  const uint8_t* image(size_t i) const { return pixels.data() + i * kFashionSide * kFashionSide; }
};

struct FashionMnist {
  FashionSplit train;  // 60,000
  FashionSplit test;   // 10,000 (used only for benchmarks)
};

// Reads train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz and the t10k
// pair from `dir`. A missing directory or file fails with a message naming the
// Debian package to install; a malformed file names the file and the field.
Result<FashionMnist> LoadFashionMnist(const std::string& dir);

// Class names as answers ("t-shirt", "trousers", ..., "ankle boot").
const std::string& FashionClassName(int label);

// Coarse groups for attribute questions.
enum class FashionGroup { kTop, kBottom, kDress, kFootwear, kBag };
FashionGroup FashionGroupOf(int label);
const char* FashionGroupName(FashionGroup group);  // "top", "bottom", ...

}  // namespace xmas::demodata
