// The exhaustive assignment step of k-means for few dimensions: every point
// against every centroid, keeping the two nearest, in one pass (no distance
// matrix, no heap), vectorised over centroids (AVX2 + FMA when the CPU has
// them, chosen at run time; a portable loop otherwise).
//
// Why not FAISS's search: at 8 dimensions its BLAS product is cheap and the
// selection over the n × k distance matrix it writes dominates; this pass is
// several times faster on the same data (BENCHMARKS.md, "Selection").
// Distances are Σ (x_j − c_j)² in float32 (fused multiply-adds on the vector
// path), within a few units in the last place of the exact value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xmas::select {

struct TwoNearest {
  int32_t first = -1, second = -1;  // centroid indices (second: -1 if k == 1)
  float first_d2 = 0, second_d2 = 0;  // their squared distances (second: +inf if none)
};

// For each of n rows (row-major, d floats) the two nearest of k centroids
// (row-major, k × d). Ties go to the lower centroid index. OpenMP-parallel
// over rows; the result does not depend on the thread count.
void NearestTwo(const float* x, size_t n, size_t d, const float* centroids, size_t k, TwoNearest* out);

// The same for one row against centroids already transposed (ct[j * k + c]).
TwoNearest NearestTwoTransposed(const float* row, size_t d, const float* ct, size_t k);

}  // namespace xmas::select
