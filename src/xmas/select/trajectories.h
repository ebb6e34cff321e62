// Per-example trajectory features: the matrix k-means clusters and the
// total variation (stability) that orders examples inside a cluster.
//
// Row i is example i (in the order of `keys`); its width is steps × dims:
// for every checkpoint (ascending step), `dims` values — 1 for the default
// Σ top-k singular values, k when every singular value is kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/select/key_table.h"

namespace xmas::select {

struct Trajectories {
  KeyTable keys;                // unique_idx of each row (official files) or store ids
  std::vector<int64_t> steps;   // checkpoint steps, ascending
  size_t dims = 1;              // values per checkpoint
  std::vector<float> values;    // rows × steps × dims, row-major
  std::vector<uint8_t> valid;   // 1 = the row has cross-modal values; 0 = text-only

  size_t rows() const { return keys.size(); }
  size_t width() const { return steps.size() * dims; }
  const float* row(size_t i) const { return values.data() + i * width(); }
};

// Total variation of every row: Σ_t Σ_d |x(t+1, d) − x(t, d)|, computed in
// float32 with NumPy's summation order (np.sum(np.abs(np.diff(x)))) and
// widened to double, so official mode reproduces the authors' values bit for
// bit. A row containing NaN gets NaN.
std::vector<double> TotalVariation(const Trajectories& t);

// Replaces NaN by 0 (what the authors do after taking TV, before k-means).
// Returns how many values were replaced.
size_t ZeroNans(std::vector<float>* values);

// Per-column z-scoring over the valid rows (columns with zero variance are
// only centred), so checkpoints with large singular values do not dominate
// the Euclidean distance. Invalid rows are left untouched.
void Standardize(Trajectories* t);

// Trajectory normalisation of the default mode (docs/method.md §2b): Σσ
// grows with the rows of the cross-modal block, i.e. with the text length,
// so the raw trajectory is mostly a length measure.
//   none      the authors' raw values (--compat official always);
//   shape     every valid row divided by its own mean (the trajectory's
//             shape; its magnitude, the length-bound part, is dropped);
//   residual  log values with, per column, the least-squares line on the
//             row's mean log value (its log magnitude) removed.
enum class Normalize { kNone, kShape, kResidual };

// The mean of every row's values (NaN for invalid rows or rows with NaN):
// the trajectory's magnitude.
std::vector<double> RowMeans(const Trajectories& t);

// Applies `how` to the valid rows in place (kNone: nothing). Rows whose mean
// is not positive are left as they are under kShape; values are floored at
// 1e-12 before the log of kResidual.
void NormalizeTrajectories(Trajectories* t, Normalize how);

// The valid rows' values as one contiguous matrix (k-means input), and the
// row index of each.
std::vector<float> ValidRows(const Trajectories& t, std::vector<size_t>* row_of);

}  // namespace xmas::select
