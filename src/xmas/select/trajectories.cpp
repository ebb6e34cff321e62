#include "xmas/select/trajectories.h"

#include <algorithm>
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

std::vector<double> RowMeans(const Trajectories& t) {
  std::vector<double> mean(t.rows(), std::nan(""));
  const size_t w = t.width();
  for (size_t i = 0; i < t.rows() && w > 0; ++i) {
    if (!t.valid[i]) continue;
    double s = 0;
    for (size_t c = 0; c < w; ++c) s += t.row(i)[c];
    mean[i] = s / static_cast<double>(w);
  }
  return mean;
}

namespace {

void DivideByRowMean(Trajectories* t) {
  const std::vector<double> mean = RowMeans(*t);
  for (size_t i = 0; i < t->rows(); ++i) {
    if (!(mean[i] > 0)) continue;  // invalid, NaN or not positive
    float* x = t->values.data() + i * t->width();
    for (size_t c = 0; c < t->width(); ++c) x[c] = static_cast<float>(x[c] / mean[i]);
  }
}

// log x, then per column y_c - (a_c + b_c m) with m the row's mean log value
// and (a_c, b_c) the least-squares fit over the valid rows without NaN.
void ResidualizeLogMagnitude(Trajectories* t) {
  const size_t w = t->width();
  for (size_t i = 0; i < t->rows(); ++i) {
    if (!t->valid[i]) continue;
    float* x = t->values.data() + i * w;
    for (size_t c = 0; c < w; ++c) x[c] = static_cast<float>(std::log(std::max<double>(x[c], 1e-12)));
  }
  const std::vector<double> m = RowMeans(*t);
  double n = 0, sm = 0, smm = 0;
  std::vector<double> sy(w, 0.0), smy(w, 0.0);
  for (size_t i = 0; i < t->rows(); ++i) {
    if (std::isnan(m[i])) continue;
    n += 1, sm += m[i], smm += m[i] * m[i];
    for (size_t c = 0; c < w; ++c) sy[c] += t->row(i)[c], smy[c] += m[i] * t->row(i)[c];
  }
  if (n == 0) return;
  const double var = smm / n - (sm / n) * (sm / n);
  for (size_t c = 0; c < w; ++c) {
    const double b = var > 0 ? (smy[c] / n - (sm / n) * (sy[c] / n)) / var : 0.0;
    const double a = sy[c] / n - b * sm / n;
    for (size_t i = 0; i < t->rows(); ++i) {
      if (std::isnan(m[i])) continue;
      float* x = t->values.data() + i * w + c;
      *x = static_cast<float>(*x - a - b * m[i]);
    }
  }
}

}  // namespace

void NormalizeTrajectories(Trajectories* t, Normalize how) {
  if (how == Normalize::kShape) DivideByRowMean(t);
  if (how == Normalize::kResidual) ResidualizeLogMagnitude(t);
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
