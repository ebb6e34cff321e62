// `xmas model check DIR`: what xmas would make of a checkpoint folder, as a
// human-readable report, without loading any weight data (so any size is
// checked in seconds): the architecture assumed (vision tower, decoder
// family), sizes, parameter count, the tokenizer found (kind, vocabulary,
// special ids), the chat templates, the image preprocessing xmas applies
// (and whether a preprocessor_config.json agrees), image tokens per image,
// and whether every checkpoint tensor matched a parameter (MatchCheckpoint).
// No libtorch here.
#pragma once

#include <string>

#include "xmas/model/config.h"
#include "xmas/util/status.h"

namespace xmas::model {

struct ModelCheckReport {
  std::string text;  // the report, one finding per line (as far as it got)
  Status status;     // not ok when the folder cannot be loaded (config, weights, tokenizer)
};

ModelCheckReport CheckModelDir(const std::string& dir);

// The architecture lines of the report (used by `model info`, `model check`
// and logged at the start of train/trajectories).
std::string DescribeConfig(const ModelConfig& config);

// Logs DescribeConfig's lines (info level), headed "model (SOURCE):".
void LogModelReport(const ModelConfig& config, const std::string& source);

}  // namespace xmas::model
