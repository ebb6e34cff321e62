// Paired per-question bootstrap: is a method's score different from
// random's, beyond what the choice of benchmark questions explains?
//
// Both methods answered the same questions; per question the difference
// d_i = method_i - baseline_i. A resample draws n question indices with
// replacement (the same for both methods: that is the pairing) and takes the
// mean of d over them; the interval is the (1-c)/2 and (1+c)/2 percentiles
// of `resamples` such means (NumPy's default linear interpolation). Draws
// come from SplitMix64 seeded with `seed` (rejection sampling for an unbiased
// index), so a seed gives the same interval everywhere; the reference in
// tests/eval_core/bootstrap_reference.py reproduces it with NumPy.
//
// The verdict against random: "better" only if the interval excludes 0 on
// the positive side against every random selection seed, "worse" if on the
// negative side against every one, otherwise "tie". Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::eval {

struct BootstrapOptions {
  int resamples = 10000;     // B, >= 1
  double confidence = 0.95;  // in (0, 1)
  uint64_t seed = 0;
};

struct PairedInterval {
  size_t questions = 0;
  double mean_difference = 0;  // mean over questions of method - baseline
  double low = 0, high = 0;    // the percentile interval of the resampled means
};

// InvalidInput if the vectors are empty, differ in length or hold a
// non-finite score (the message names the question index); Usage for bad
// options.
Result<PairedInterval> PairedBootstrap(const std::vector<double>& method, const std::vector<double>& baseline,
                                       const BootstrapOptions& options = {});

enum class Verdict { kBetter, kWorse, kTie };
// The rule above over one interval per random seed; kTie when none are given.
Verdict CompareToRandom(const std::vector<PairedInterval>& per_random_seed);
const char* VerdictName(Verdict verdict);  // "better", "worse", "tie"

// The q-quantile (q in [0, 1]) of `values` as numpy.percentile(values,
// 100 q) computes it by default (linear interpolation between order
// statistics). `values` must not be empty.
double Quantile(std::vector<double> values, double q);

}  // namespace xmas::eval
