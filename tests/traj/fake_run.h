// A fake training run for the extraction tests: a tiny random model saved as
// RUN/checkpoint-<step>/ (weights, config, trainer_state, tokenizer) through
// the model's weights API, a small dataset with BMP images and text-only
// records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/traj/extract_options.h"

namespace xmas::traj::testing {

struct FakeRun {
  std::string root;          // temporary directory holding everything
  std::string run, data, images, tokenizer;
  std::vector<int64_t> steps;  // checkpoint steps
  size_t rows = 0, image_rows = 0;
  std::vector<bool> has_image;
};

// Builds it once per process (steps 10, 20 share the vision tower; 30 has
// another one). Fails the calling test on error.
const FakeRun& GetFakeRun();

// Options for an extraction of the fake run into root/<name> (removed first).
ExtractOptions BaseOptions(const std::string& name);

// The bytes of a file ("" if missing).
std::string Slurp(const std::string& path);

}  // namespace xmas::traj::testing
