// A toy LLaVA dataset for the trainer tests: four solid-colour images with a
// question about the colour, and two text-only exchanges. Small enough for
// a micro model to memorise in seconds on 2 cores.
#pragma once

#include <string>
#include <vector>

#include "xmas/train/train_options.h"

namespace xmas::train::testing {

struct ToyData {
  std::string dir;           // a fresh temporary directory (removed by the destructor)
  std::string json;          // dir/data.json
  std::string image_folder;  // dir/images
  std::string config;        // dir/config.json: a micro model (see WriteMicroConfig)
  std::vector<std::string> ids;      // per record, in file order
  std::vector<std::string> answers;  // per record, in file order

  ToyData();
  ~ToyData();
  ToyData(const ToyData&) = delete;
  ToyData& operator=(const ToyData&) = delete;

  // Options for a short run of the micro model on this data into dir/<run>.
  TrainOptions Options(const std::string& run) const;

 private:
  void WriteMicroConfig();
};

}  // namespace xmas::train::testing
