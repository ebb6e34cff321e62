// k-means on trajectory rows (docs/method.md §2 step 5).
//
// Two engines with the same recipe — train on at most max_points_per_centroid
// × k rows drawn with the seed, initialise with k distinct random training
// rows, Lloyd iterations with FAISS's empty-cluster splitting, then assign
// every row to its nearest centroid:
//  - kFaiss: faiss::Clustering + IndexFlatL2 as the authors' faiss.Kmeans
//    (official mode), by construction: the same libfaiss that python3-faiss
//    wraps, calling the same system BLAS (libblas.so.3: OpenBLAS when
//    installed) with the same thread count. At 8 dimensions FAISS's result
//    depends on how the BLAS splits its product across threads, so the
//    thread count is part of the recipe (AuthorsDefaultThreads).
//  - kFast: the same recipe and random choices as FAISS (training sample and
//    initial centroids from faiss::rand_perm), exact Lloyd steps. Each
//    iteration's assignment uses whichever step its counted work prices
//    cheaper (kmeans_step.h; by counts, not the clock, so the result does not
//    depend on the load): an exhaustive two-nearest pass (kmeans_exhaustive.h;
//    faster than the search faiss.Kmeans runs every iteration at these
//    dimensions) or Hamerly bounds with centroid-neighbour pruning (cheap once
//    centroids settle; on broad, overlapping groups it can cost more than
//    the exhaustive search, and is then only retried every few iterations).
//    So no iteration costs more than FAISS's brute force. Not FAISS's rounding
//    (distances are exact differences), so results agree with kFaiss only up
//    to ties and rounding; and by default it stops once an iteration
//    improves the objective by less than `tolerance` instead of always
//    running `iterations`. Objectives against FAISS's 100 iterations, per
//    data distribution: BENCHMARKS.md ("Selection").
#pragma once

#include <cstdint>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::select {

enum class KMeansEngine { kFaiss, kFast };

struct KMeansOptions {
  int k = 1000;
  int iterations = 100;
  uint64_t seed = 1234;
  int max_points_per_centroid = 256;
  // kFast only: stop once an iteration lowers the objective (Σ squared
  // distance of the training rows) by at most this fraction; 0 runs all
  // `iterations` unless no assignment changes. kFaiss always runs them all.
  double tolerance = 3e-4;  // 1e-3 stopped 1.1% above FAISS's 100-iteration objective (broad data)
  KMeansEngine engine = KMeansEngine::kFast;
  // OpenMP threads (FAISS's BLAS product included). 0: kFast uses all
  // cores; kFaiss uses AuthorsDefaultThreads(), the count the authors' run gets.
  int threads = 0;
};

struct KMeansResult {
  std::vector<float> centroids;   // k × d
  std::vector<int32_t> assignment;  // per row, nearest centroid
  int iterations_run = 0;
  int exhaustive_iterations = 0;  // kFast: iterations whose step was the exhaustive pass
  size_t training_rows = 0;
  double objective = 0;           // Σ squared distance of the training rows at the end
};

// Clusters n rows of d floats (row-major). InvalidInput if n < k or k < 1.
Result<KMeansResult> KMeans(const float* x, size_t n, size_t d, const KMeansOptions& options);

// The OpenMP thread count FAISS runs with in the authors'
// kmeans_clustering.py: it imports torch first, and torch's import sets
// OpenMP's count (at::init_num_threads) to OMP_NUM_THREADS, else
// MKL_NUM_THREADS (when a positive integer), else the physical cores
// libcpuinfo counts (its logical processors if it counts no fewer cores, the
// hardware concurrency if it cannot tell) — PyTorch 1.13's rule, read from
// the same libcpuinfo. On the 2-vCPU development VM libcpuinfo counts 1 core,
// so the authors' run uses 1 thread there.
int AuthorsDefaultThreads();

// Default k for n examples: n / 665 (LLaVA-665k → 1000), at least 1, at most 1000.
int DefaultClusterCount(size_t n);

}  // namespace xmas::select
