#include "xmas/select/kmeans.h"

#include <cpuinfo.h>
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/impl/FaissException.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

#include "xmas/select/kmeans_fast.h"
#include "xmas/util/log.h"

namespace xmas::select {
namespace {

Result<KMeansResult> FaissKMeans(const float* x, size_t n, size_t d, const KMeansOptions& o) {
  faiss::ClusteringParameters cp;  // FAISS defaults, as faiss.Kmeans(d, k, niter=...) uses
  cp.niter = o.iterations;
  cp.seed = static_cast<int>(o.seed);
  cp.max_points_per_centroid = o.max_points_per_centroid;
  cp.min_points_per_centroid = 1;  // only silences FAISS's own stderr warning
  KMeansResult r;
  log::Info("k-means (FAISS, as the authors): ", o.k, " clusters, ", o.iterations, " iterations, ",
            omp_get_max_threads(), " threads, ",
            std::min<size_t>(n, static_cast<size_t>(o.k) * o.max_points_per_centroid), " of ", n,
            " rows train (FAISS reports no progress)");
  try {
    faiss::Clustering clus(static_cast<int>(d), o.k, cp);
    faiss::IndexFlatL2 index(static_cast<faiss::Index::idx_t>(d));
    clus.train(static_cast<faiss::Index::idx_t>(n), x, index);
    r.centroids = clus.centroids;
    if (!clus.iteration_stats.empty()) r.objective = clus.iteration_stats.back().obj;
    std::vector<float> dist(n);
    std::vector<faiss::Index::idx_t> labels(n);
    index.search(static_cast<faiss::Index::idx_t>(n), x, 1, dist.data(), labels.data());
    r.assignment.assign(labels.begin(), labels.end());
  } catch (const faiss::FaissException& e) {
    return Status::Internal(std::string("faiss k-means failed: ") + e.what());
  }
  r.iterations_run = o.iterations;
  r.training_rows = std::min<size_t>(n, static_cast<size_t>(o.k) * o.max_points_per_centroid);
  return r;
}

// PyTorch's get_env_num_threads: a positive std::stoi of the variable, else `fallback`.
int EnvThreads(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr) return fallback;
  try {
    const int n = std::stoi(value);
    return n > 0 ? n : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

int AuthorsDefaultThreads() {
  const int env = EnvThreads("MKL_NUM_THREADS", EnvThreads("OMP_NUM_THREADS", 0));
  if (env > 0) return env;
  if (cpuinfo_initialize()) {  // c10's TaskThreadPoolBase::defaultNumThreads
    const uint32_t cores = cpuinfo_get_cores_count();
    const uint32_t processors = cpuinfo_get_processors_count();
    if (cores > 0 && cores < processors) return static_cast<int>(cores);
    if (processors > 0) return static_cast<int>(processors);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

int DefaultClusterCount(size_t n) {
  return static_cast<int>(std::clamp<size_t>(n / 665, 1, 1000));
}

Result<KMeansResult> KMeans(const float* x, size_t n, size_t d, const KMeansOptions& o) {
  if (o.k < 1) return Status::InvalidInput("k-means: --clusters must be at least 1");
  if (n < static_cast<size_t>(o.k)) {
    return Status::InvalidInput("k-means: " + std::to_string(n) + " examples are fewer than " +
                                std::to_string(o.k) + " clusters; lower --clusters");
  }
  if (o.iterations < 1) return Status::InvalidInput("k-means: --iterations must be at least 1");
  if (n < static_cast<size_t>(o.k) * 39) {
    log::Warn("k-means: ", n, " points for ", o.k, " clusters (FAISS suggests at least ",
              static_cast<size_t>(o.k) * 39, ")");
  }
  const int saved_threads = omp_get_max_threads();
  const int threads = o.threads > 0 ? o.threads
                      : o.engine == KMeansEngine::kFaiss ? AuthorsDefaultThreads() : 0;
  if (threads > 0) omp_set_num_threads(threads);
  auto result = o.engine == KMeansEngine::kFaiss ? FaissKMeans(x, n, d, o) : FastKMeans(x, n, d, o);
  omp_set_num_threads(saved_threads);
  return result;
}

}  // namespace xmas::select
