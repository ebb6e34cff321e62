// Top-k singular values of a cross-modal matrix.
//
//   exact       LAPACK (torch::linalg_svdvals) in float64 on the matrix as
//               given: the values the paper means; our default.
//   randomized  what the authors run (torch.svd_lowrank(A, q=k, niter=2),
//               Halko et al. 2009, Alg. 5.1 with subspace iteration): a
//               Gaussian sketch of width k, two power iterations with QR
//               re-orthonormalisation, then the SVD of the k-row projection.
//               Seeded per call, so a run is reproducible (the authors' is
//               not); it under-estimates the smaller values.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::traj {

enum class SvdMethod { kExact, kRandomized };
// "exact" | "randomized".
Result<SvdMethod> ParseSvdMethod(const std::string& name);
const char* SvdMethodName(SvdMethod method);

// The k largest singular values of a 2-D matrix, descending, as doubles;
// zero-padded when the matrix has fewer than k (an empty matrix gives k
// zeros). `seed` drives the randomized sketch only.
std::vector<double> TopSingularValues(const torch::Tensor& matrix, int64_t k, SvdMethod method,
                                      uint64_t seed = 0);

}  // namespace xmas::traj
