// The selection methods behind `xmas select --method` (internal to select/).
#pragma once

#include "xmas/select/select.h"

namespace xmas::select {

// xmas (metric svd, stability inside clusters) and s2l (metric loss, random
// inside clusters): trajectories → k-means → balanced sampling.
Result<Selection> SelectByTrajectories(const data::DatasetIndex& dataset, const SelectOptions& options,
                                       bool loss_trajectories);

// random, el2n, perplexity, clip-score, semdedup, d2-pruning, coincide.
Result<Selection> SelectBaseline(const data::DatasetIndex& dataset, const SelectOptions& options);

}  // namespace xmas::select
