// The kFast k-means engine (see kmeans.h): exact Lloyd iterations
// accelerated for low-dimensional data with many clusters.
//
// Per point it keeps Hamerly's bounds (an upper bound on the distance to its
// centroid, a lower bound on the distance to any other), so most points skip
// the search once centroids settle. A point that must search visits its
// centroid's nearest neighbouring centroids in distance order and stops as
// soon as the triangle inequality proves no further centroid can be closer;
// only if that list runs out does it scan all k. Iterations stop early when
// no assignment changes (Lloyd has then converged: later iterations would
// not move anything) or, with options.tolerance > 0, when an iteration
// lowers the objective by at most that fraction (kSplitPatience times in a
// row when the iteration split empty clusters). The neighbour lists are
// rebuilt every iteration, but only centroids no farther than the previous
// m + 1 nearest are sorted. Each iteration runs the pruned step or the
// exhaustive two-nearest pass, whichever its counted work prices cheaper
// (kmeans_step.h); rows outside the training sample get the exhaustive pass.
// Deterministic for a seed, whatever the number of threads or the load.
#pragma once

#include "xmas/select/kmeans.h"

namespace xmas::select {

Result<KMeansResult> FastKMeans(const float* x, size_t n, size_t d, const KMeansOptions& options);

// Nearest of k centroids (k × d) for each of n rows, exhaustively; ties go to
// the lower centroid index.
void NearestCentroids(const float* x, size_t n, size_t d, const float* centroids, size_t k,
                      int32_t* out);

}  // namespace xmas::select
