#include "xmas/select/trajectories.h"

#include <cmath>

#include "xmas/select/numpy_compat.h"

namespace xmas::select {

std::vector<double> TotalVariation(const Trajectories& t) {
  const size_t n = t.rows(), steps = t.steps.size(), dims = t.dims;
  std::vector<double> tv(n, 0.0);
  if (steps < 2) return tv;
  std::vector<float> diffs((steps - 1) * dims);
  for (size_t i = 0; i < n; ++i) {
    const float* x = t.row(i);
    for (size_t s = 0; s + 1 < steps; ++s) {
      for (size_t d = 0; d < dims; ++d) {
        diffs[s * dims + d] = std::fabs(x[(s + 1) * dims + d] - x[s * dims + d]);
      }
    }
    tv[i] = static_cast<double>(NumpyPairwiseSum(diffs.data(), diffs.size()));
  }
  return tv;
}

size_t ZeroNans(std::vector<float>* values) {
  size_t replaced = 0;
  for (float& v : *values) {
    if (std::isnan(v)) {
      v = 0.f;
      ++replaced;
    }
  }
  return replaced;
}

void Standardize(Trajectories* t) {
  const size_t w = t->width();
  std::vector<double> sum(w, 0.0), sq(w, 0.0);
  size_t count = 0;
  for (size_t i = 0; i < t->rows(); ++i) {
    if (!t->valid[i]) continue;
    ++count;
    const float* x = t->row(i);
    for (size_t c = 0; c < w; ++c) {
      sum[c] += x[c];
      sq[c] += static_cast<double>(x[c]) * x[c];
    }
  }
  if (count == 0) return;
  std::vector<double> mean(w), scale(w);
  for (size_t c = 0; c < w; ++c) {
    mean[c] = sum[c] / count;
    const double var = std::max(0.0, sq[c] / count - mean[c] * mean[c]);
    scale[c] = var > 0 ? 1.0 / std::sqrt(var) : 1.0;
  }
  for (size_t i = 0; i < t->rows(); ++i) {
    if (!t->valid[i]) continue;
    float* x = t->values.data() + i * w;
    for (size_t c = 0; c < w; ++c) x[c] = static_cast<float>((x[c] - mean[c]) * scale[c]);
  }
}

std::vector<float> ValidRows(const Trajectories& t, std::vector<size_t>* row_of) {
  const size_t w = t.width();
  std::vector<float> out;
  row_of->clear();
  for (size_t i = 0; i < t.rows(); ++i) {
    if (!t.valid[i]) continue;
    row_of->push_back(i);
    out.insert(out.end(), t.row(i), t.row(i) + w);
  }
  return out;
}

}  // namespace xmas::select
