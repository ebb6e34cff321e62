#include "xmas/eval/paired_bootstrap.h"

#include <algorithm>
#include <cmath>

#include "xmas/util/splitmix.h"

namespace xmas::eval {
namespace {

// SplitMix64 (util/splitmix.h), as tests/eval_core/bootstrap_reference.py
// draws; a value below n by rejection of the draws above the largest
// multiple of n.
uint64_t Below(uint64_t* state, uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = SplitMix64Next(state); while (x >= limit);
  return x % n;
}

Status CheckInputs(const std::vector<double>& a, const std::vector<double>& b, const BootstrapOptions& o) {
  if (a.empty() || a.size() != b.size()) {
    return Status::InvalidInput("paired bootstrap: need the same questions for both, got " + std::to_string(a.size()) +
                                " and " + std::to_string(b.size()) + " scores");
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      return Status::InvalidInput("paired bootstrap: question " + std::to_string(i) + ": score is not a finite number");
    }
  }
  if (o.resamples < 1) return Status::Usage("paired bootstrap: resamples must be >= 1");
  if (!(o.confidence > 0 && o.confidence < 1)) return Status::Usage("paired bootstrap: confidence must be in (0, 1)");
  return Status::Ok();
}

}  // namespace

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= v.size()) return v.back();
  return v[lo] + (h - static_cast<double>(lo)) * (v[lo + 1] - v[lo]);
}

Result<PairedInterval> PairedBootstrap(const std::vector<double>& method, const std::vector<double>& baseline,
                                       const BootstrapOptions& o) {
  XMAS_RETURN_IF_ERROR(CheckInputs(method, baseline, o));
  const size_t n = method.size();
  std::vector<double> d(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    d[i] = method[i] - baseline[i];
    total += d[i];
  }
  uint64_t rng = o.seed;
  std::vector<double> means(static_cast<size_t>(o.resamples));
  for (double& mean : means) {
    double sum = 0;
    for (size_t k = 0; k < n; ++k) sum += d[Below(&rng, n)];
    mean = sum / static_cast<double>(n);
  }
  PairedInterval r;
  r.questions = n;
  r.mean_difference = total / static_cast<double>(n);
  r.low = Quantile(means, (1 - o.confidence) / 2);
  r.high = Quantile(std::move(means), (1 + o.confidence) / 2);
  return r;
}

Verdict CompareToRandom(const std::vector<PairedInterval>& per_seed) {
  if (per_seed.empty()) return Verdict::kTie;
  const bool above = std::all_of(per_seed.begin(), per_seed.end(), [](const PairedInterval& c) { return c.low > 0; });
  const bool below = std::all_of(per_seed.begin(), per_seed.end(), [](const PairedInterval& c) { return c.high < 0; });
  return above ? Verdict::kBetter : below ? Verdict::kWorse : Verdict::kTie;
}

const char* VerdictName(Verdict v) {
  return v == Verdict::kBetter ? "better" : v == Verdict::kWorse ? "worse" : "tie";
}

}  // namespace xmas::eval
