// Bit-exact re-implementations of the few NumPy routines whose rounding or
// tie order decides the authors' selection (docs/method.md §3, "official" mode).
//
// NumPy 1.24 (Debian 12's python3-numpy, the version the golden outputs were
// made with) is the reference. Nothing here is needed outside official mode;
// our own mode uses stable, documented orders instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xmas::select {

// np.sum over a contiguous float32 array: pairwise summation with 8
// interleaved partial sums for runs of 8..128 elements, a plain left-to-right
// loop below 8, and recursive halving above 128. Accumulates in float32.
float NumpyPairwiseSum(const float* values, size_t n);

// np.argsort(values) with the default kind ("quicksort"): NumPy's introsort
// (median-of-three quicksort, insertion sort for runs of at most 16 elements, heapsort when
// the depth limit is hit). It is not stable, so the order of equal values
// depends on this exact algorithm.
std::vector<int64_t> NumpyArgsortQuick(const std::vector<int64_t>& values);

}  // namespace xmas::select
