// `xmas train` as one call, in a header free of libtorch so the CLI file
// that parses the arguments compiles quickly (the loop is in trainer.h).
#pragma once

#include "xmas/train/train_options.h"
#include "xmas/util/status.h"

namespace xmas::train {

// Trainer::Create(options) then Run(): trains, logs RUN/metrics.jsonl, saves
// checkpoints and RUN/final. Errors are one line naming file/record/field.
Status Train(const TrainOptions& options);

}  // namespace xmas::train
