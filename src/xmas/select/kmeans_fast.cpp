#include "xmas/select/kmeans_fast.h"

#include <faiss/utils/random.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "xmas/select/kmeans_exhaustive.h"
#include "xmas/select/kmeans_step.h"
#include "xmas/select/rng.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::select {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr size_t kNeighbours = 32;   // neighbour list length per centroid
constexpr float kSplitEps = 1.f / 1024.f;  // FAISS's perturbation for split clusters

float Dist(const float* a, const float* b, size_t d) {
  float s = 0.f;
  for (size_t j = 0; j < d; ++j) {
    const float t = a[j] - b[j];
    s += t * t;
  }
  return std::sqrt(s);
}

struct Centroids {
  size_t k = 0, d = 0, m = 0;
  std::vector<float> c;          // k × d
  std::vector<float> half_min;   // half the distance to the nearest other centroid
  std::vector<uint32_t> nbr;     // k × m, nearest other centroids, ascending
  std::vector<float> nbr_dist;   // k × m
  std::vector<float> radius;     // distance to the nearest unlisted centroid (inf if none)
  std::vector<uint32_t> next;    // that centroid (UINT32_MAX if none)
  std::vector<float> ct;         // d × k transposed copy (BuildNeighbours), for whole scans
  const float* at(size_t i) const { return c.data() + i * d; }
};

// Each centroid's m nearest others, exactly. Squared distances to all k
// run over a transposed copy (vectorised over centroids); then only the
// centroids no farther than the previous m + 1 nearest (at their new
// distances) can be among the new m + 1 nearest, so only those are sorted.
void BuildNeighbours(Centroids* C) {
  const size_t k = C->k, d = C->d;
  const size_t m = std::min(kNeighbours, k - 1);
  std::vector<uint32_t> previous;  // the previous m + 1 nearest of each centroid
  if (C->m == m && C->next.size() == k) {
    previous.resize(k * (m + 1));
    for (size_t a = 0; a < k; ++a) {
      std::copy(C->nbr.begin() + a * m, C->nbr.begin() + (a + 1) * m, previous.begin() + a * (m + 1));
      previous[a * (m + 1) + m] = C->next[a];
    }
  }
  C->m = m;
  C->half_min.assign(k, kInf);
  C->nbr.resize(k * m);
  C->nbr_dist.resize(k * m);
  C->radius.assign(k, kInf);
  C->next.assign(k, UINT32_MAX);
  std::vector<float>& ct = C->ct;  // transposed: ct[j * k + b]
  ct.resize(d * k);
  for (size_t b = 0; b < k; ++b) {
    for (size_t j = 0; j < d; ++j) ct[j * k + b] = C->c[b * d + j];
  }
#pragma omp parallel
  {
    std::vector<float> d2(k);
    std::vector<std::pair<float, uint32_t>> row;
#pragma omp for schedule(static)
    for (long a = 0; a < static_cast<long>(k); ++a) {
      std::fill(d2.begin(), d2.end(), 0.f);
      for (size_t j = 0; j < d; ++j) {  // same per-pair summation order as Dist()
        const float ca = C->c[a * d + j];
        const float* __restrict col = ct.data() + j * k;
        float* __restrict out = d2.data();
#pragma omp simd
        for (size_t b = 0; b < k; ++b) {
          const float t = ca - col[b];
          out[b] += t * t;
        }
      }
      float limit = kInf;
      if (!previous.empty() && previous[a * (m + 1) + m] != UINT32_MAX) {
        limit = 0.f;
        for (size_t j = 0; j <= m; ++j) limit = std::max(limit, d2[previous[a * (m + 1) + j]]);
      }
      row.clear();
      for (size_t b = 0; b < k; ++b) {
        if (b != static_cast<size_t>(a) && d2[b] <= limit) row.push_back({d2[b], static_cast<uint32_t>(b)});
      }
      const size_t keep = std::min(row.size(), C->m + 1);
      if (keep < row.size()) std::nth_element(row.begin(), row.begin() + keep, row.end());
      std::sort(row.begin(), row.begin() + keep);
      for (size_t j = 0; j < C->m; ++j) {
        C->nbr[a * C->m + j] = row[j].second;
        C->nbr_dist[a * C->m + j] = std::sqrt(row[j].first);
      }
      if (!row.empty()) C->half_min[a] = 0.5f * std::sqrt(row[0].first);
      if (keep > C->m) {
        C->radius[a] = std::sqrt(row[C->m].first);
        C->next[a] = row[C->m].second;
      }
    }
  }
}

// Re-ranks one row's two candidates by exact distance: returns the nearest,
// its exact distance (*upper) and a lower bound on every other (*lower).
uint32_t Rerank(const float* xi, const TwoNearest& t, const Centroids& C, float* upper, float* lower) {
  uint32_t best = static_cast<uint32_t>(t.first);
  float bd = Dist(xi, C.at(best), C.d), other = kInf;
  if (t.second >= 0) {
    const uint32_t b = static_cast<uint32_t>(t.second);
    other = Dist(xi, C.at(b), C.d);
    if (other < bd || (other == bd && b < best)) {
      std::swap(other, bd);
      best = b;
    }
  }
  *upper = bd;
  *lower = std::min(other, std::sqrt(std::max(0.f, t.second_d2 * (1.f - 1e-5f))));
  return best;
}

// Exact nearest centroid of x, starting from centroid a at distance du.
// Sets *best_d and *second_d (a lower bound on the distance to every other);
// adds the distances it computed and whole scans it made to *work.
uint32_t Search(const float* x, uint32_t a, float du, const Centroids& C, float* best_d,
                float* second_d, PrunedWork* work) {
  uint32_t best = a;
  float bd = du, sd = kInf;
  const uint32_t* nb = C.nbr.data() + a * C.m;
  const float* nd = C.nbr_dist.data() + a * C.m;
  bool complete = false;
  for (size_t j = 0; j < C.m && !complete; ++j) {
    // d(x, c_j) >= d(c_a, c_j) - d(x, c_a) >= sd for all later j and, by
    // the radius, for every unlisted centroid.
    if (std::min(nd[j], C.radius[a]) - du >= sd) {
      complete = true;
      break;
    }
    const float dj = Dist(x, C.at(nb[j]), C.d);
    ++work->dists;
    if (dj < bd || (dj == bd && nb[j] < best)) {
      sd = bd;
      bd = dj;
      best = nb[j];
    } else if (dj < sd) {
      sd = dj;
    }
  }
  if (!complete && !(C.radius[a] - du >= sd)) {  // list exhausted: scan everything
    float up, lo;  // vectorised; the exact scalar scan only for a near-tie it cannot prove
    ++work->scans;
    work->dists += 2;
    const uint32_t b = Rerank(x, NearestTwoTransposed(x, C.d, C.ct.data(), C.k), C, &up, &lo);
    if (up <= lo) {
      *best_d = up;
      *second_d = lo;
      return b;
    }
    best = 0;
    bd = sd = kInf;
    work->dists += C.k;
    for (uint32_t b = 0; b < C.k; ++b) {
      const float db = Dist(x, C.at(b), C.d);
      if (db < bd) {
        sd = bd;
        bd = db;
        best = b;
      } else if (db < sd) {
        sd = db;
      }
    }
  }
  *best_d = bd;
  *second_d = sd;
  return best;
}

struct PointState {
  std::vector<int32_t> a;
  std::vector<float> upper, lower;
};

// One assignment step with Hamerly's test. Returns how many points changed;
// sets *work to what it did (the same whatever the thread count).
size_t AssignStep(const float* x, size_t n, const Centroids& C, const std::vector<float>& move,
                  PointState* s, PrunedWork* work) {
  float max1 = 0.f, max2 = 0.f;
  size_t arg1 = 0;
  for (size_t c = 0; c < move.size(); ++c) {
    if (move[c] > max1) {
      max2 = max1;
      max1 = move[c];
      arg1 = c;
    } else if (move[c] > max2) {
      max2 = move[c];
    }
  }
  size_t changed = 0;
  uint64_t dists = 0, scans = 0;
#pragma omp parallel for schedule(dynamic, 4096) reduction(+ : changed, dists, scans)
  for (long i = 0; i < static_cast<long>(n); ++i) {
    const float* xi = x + i * C.d;
    int32_t& a = s->a[i];
    s->upper[i] += move[a];
    s->lower[i] -= static_cast<size_t>(a) == arg1 ? max2 : max1;
    const float z = std::max(s->lower[i], C.half_min[a]);
    if (s->upper[i] <= z) continue;
    s->upper[i] = Dist(xi, C.at(a), C.d);
    ++dists;
    if (s->upper[i] <= z) continue;
    PrunedWork w;
    const uint32_t na = Search(xi, a, s->upper[i], C, &s->upper[i], &s->lower[i], &w);
    dists += w.dists;
    scans += w.scans;
    if (static_cast<int32_t>(na) != a) {
      a = static_cast<int32_t>(na);
      ++changed;
    }
  }
  *work = PrunedWork{n, dists, scans};
  return changed;
}

// The exhaustive assignment step (kmeans_exhaustive.h): the two nearest
// centroids of every point. They are re-ranked by the exact distance (as
// Dist() computes it, the pruned step's arithmetic); the upper bound is that
// exact distance and the lower bound (every other centroid) the second
// candidate's exact distance or, if smaller, the pass's second distance less
// a margin far above its rounding error, so the bounds stay valid for the
// pruned steps that follow.
size_t ExhaustiveStep(const float* x, size_t n, const Centroids& C, PointState* s) {
  std::vector<TwoNearest> two(n);
  NearestTwo(x, n, C.d, C.c.data(), C.k, two.data());
  size_t changed = 0;
#pragma omp parallel for schedule(static) reduction(+ : changed)
  for (long i = 0; i < static_cast<long>(n); ++i) {
    const uint32_t best = Rerank(x + i * C.d, two[i], C, &s->upper[i], &s->lower[i]);
    if (static_cast<int32_t>(best) != s->a[i]) ++changed;
    s->a[i] = static_cast<int32_t>(best);
  }
  return changed;
}

// The exact nearest centroid of every row by the exhaustive pass; a row whose
// bounds do not prove it (a near-tie within the pass's rounding) is settled
// by Search() (needs BuildNeighbours).
void AssignExhaustive(const float* x, size_t n, const Centroids& C, int32_t* out) {
  std::vector<TwoNearest> two(n);
  NearestTwo(x, n, C.d, C.c.data(), C.k, two.data());
#pragma omp parallel for schedule(static)
  for (long i = 0; i < static_cast<long>(n); ++i) {
    const float* xi = x + i * C.d;
    float upper, lower;
    uint32_t best = Rerank(xi, two[i], C, &upper, &lower);
    PrunedWork unused;
    if (upper > lower) best = Search(xi, best, upper, C, &upper, &lower, &unused);
    out[i] = static_cast<int32_t>(best);
  }
}

// New centroids as the mean of their points (double sums, point order, so
// the result does not depend on threads); empty clusters are split off a
// random non-empty one as FAISS does. Returns how many were split; sets
// *objective to Σ squared distance of the points to their (old) centroids.
size_t UpdateCentroids(const float* x, size_t n, const std::vector<int32_t>& a, Rng* rng,
                       Centroids* C, double* objective) {
  const size_t k = C->k, d = C->d;
  std::vector<double> sum(k * d, 0.0);
  std::vector<size_t> count(k, 0);
  double obj = 0;
  for (size_t i = 0; i < n; ++i) {
    ++count[a[i]];
    const float* c = C->at(a[i]);
    for (size_t j = 0; j < d; ++j) {
      const double t = static_cast<double>(x[i * d + j]) - c[j];
      obj += t * t;
      sum[a[i] * d + j] += x[i * d + j];
    }
  }
  *objective = obj;
  for (size_t c = 0; c < k; ++c) {
    if (count[c] == 0) continue;
    for (size_t j = 0; j < d; ++j) C->c[c * d + j] = static_cast<float>(sum[c * d + j] / count[c]);
  }
  size_t splits = 0;
  for (size_t ci = 0; ci < k; ++ci) {
    if (count[ci] != 0) continue;
    size_t cj = 0;
    for (;; cj = (cj + 1) % k) {  // pick a cluster with probability ~ its size
      const double p = (static_cast<double>(count[cj]) - 1.0) / static_cast<double>(n - k);
      if (rng->Uniform() < p) break;
    }
    for (size_t j = 0; j < d; ++j) {
      const float up = j % 2 == 0 ? 1 + kSplitEps : 1 - kSplitEps;
      C->c[ci * d + j] = C->c[cj * d + j] * up;
      C->c[cj * d + j] *= 2 - up;
    }
    count[ci] = count[cj] / 2;
    count[cj] -= count[ci];
    ++splits;
  }
  return splits;
}

// The rows outside the training sample (perm[nt, n)), by the exhaustive
// pass: cheaper than finding them a start for the pruned search (an older
// walk on the neighbour graph cost several exhaustive rows per row).
void AssignRest(const float* x, size_t d, const std::vector<int>& perm, size_t nt, const Centroids& C,
                std::vector<int32_t>* assignment) {
  const size_t rest = perm.size() - nt;
  if (rest == 0) return;
  std::vector<float> rows(rest * d);
  for (size_t i = 0; i < rest; ++i) std::memcpy(&rows[i * d], x + static_cast<size_t>(perm[nt + i]) * d, d * sizeof(float));
  std::vector<int32_t> out(rest);
  AssignExhaustive(rows.data(), rest, C, out.data());
  for (size_t i = 0; i < rest; ++i) (*assignment)[perm[nt + i]] = out[i];
}

}  // namespace

void NearestCentroids(const float* x, size_t n, size_t d, const float* centroids, size_t k,
                      int32_t* out) {
  std::vector<float> ct(d * k);  // transposed, so the inner loop runs over centroids
  for (size_t c = 0; c < k; ++c) {
    for (size_t j = 0; j < d; ++j) ct[j * k + c] = centroids[c * d + j];
  }
#pragma omp parallel
  {
    std::vector<float> dist(k);
#pragma omp for schedule(static)
    for (long i = 0; i < static_cast<long>(n); ++i) {
      std::fill(dist.begin(), dist.end(), 0.f);
      for (size_t j = 0; j < d; ++j) {
        const float xj = x[i * d + j];
        const float* col = ct.data() + j * k;
        for (size_t c = 0; c < k; ++c) {
          const float t = col[c] - xj;
          dist[c] += t * t;
        }
      }
      out[i] = static_cast<int32_t>(std::min_element(dist.begin(), dist.end()) - dist.begin());
    }
  }
}

namespace {

// Whether the Lloyd loop stops after iteration `it`: nothing moves any more
// (later iterations would change nothing), or, with a tolerance, the
// objective improved by at most that fraction of itself. An iteration that
// split empty clusters restarts the descent, so small improvements with
// splits stop the loop only kSplitPatience times in a row: with fewer
// distinct rows than clusters (heavy ties) the same clusters empty and are
// split again every iteration, and would otherwise run every iteration.
class StopRule {
 public:
  static constexpr int kSplitPatience = 3;
  explicit StopRule(double tolerance) : tolerance_(tolerance) {}
  bool Stop(int it, size_t changed, size_t splits, double objective) {
    const bool small = tolerance_ > 0 && it > 0 && previous_ - objective <= tolerance_ * previous_;
    previous_ = objective;
    if (it > 0 && changed == 0 && splits == 0) return true;
    stalled_ = small && splits > 0 ? stalled_ + 1 : 0;
    return small && (splits == 0 || stalled_ >= kSplitPatience);
  }

 private:
  double tolerance_, previous_ = 0;
  int stalled_ = 0;
};

// The training rows (FAISS's recipe and random choices, faiss::rand_perm as
// Clustering::train makes them): the first nt rows of rand_perm(n, seed)
// when n > nt, else every row in order. Sets *perm to the permutation.
std::vector<float> TrainingRows(const float* x, size_t n, size_t d, size_t nt, uint64_t seed,
                                std::vector<int>* perm) {
  perm->resize(n);
  for (size_t i = 0; i < n; ++i) (*perm)[i] = static_cast<int>(i);
  if (nt < n) faiss::rand_perm(perm->data(), n, static_cast<int64_t>(seed));
  std::vector<float> xt(nt * d);
  for (size_t i = 0; i < nt; ++i) std::memcpy(&xt[i * d], x + static_cast<size_t>((*perm)[i]) * d, d * sizeof(float));
  return xt;
}

// FAISS's initial centroids: the first k training rows of rand_perm(nt, seed + 1).
Centroids InitialCentroids(const std::vector<float>& xt, size_t nt, size_t d, size_t k, uint64_t seed) {
  Centroids C;
  C.k = k;
  C.d = d;
  C.c.resize(k * d);
  std::vector<int> init(nt);
  faiss::rand_perm(init.data(), nt, static_cast<int64_t>(seed) + 1);
  for (size_t c = 0; c < k; ++c) std::memcpy(&C.c[c * d], &xt[static_cast<size_t>(init[c]) * d], d * sizeof(float));
  return C;
}

// Lloyd iterations on the nt training rows, each assignment by the step the
// StepChooser prices cheaper. Leaves the bounds in *s and the last centroid
// moves in *move; returns the chooser.
StepChooser Lloyd(const std::vector<float>& xt, size_t nt, const KMeansOptions& o, Centroids* C,
                  PointState* s, std::vector<float>* move, KMeansResult* r) {
  const size_t k = C->k, d = C->d;
  const StepCosts costs;
  StepChooser chooser(costs.Exhaustive(nt, k, d));
  StopRule stop(o.tolerance);
  Rng rng(o.seed);  // empty-cluster splits
  Progress progress("k-means", static_cast<uint64_t>(o.iterations), "iter");
  std::vector<float> old;
  for (int it = 0; it < o.iterations; ++it) {
    const bool pruned = chooser.UsePruned(it);
    PrunedWork work;
    const auto start = std::chrono::steady_clock::now();  // debug log only: the choice is by counted work
    if (pruned) BuildNeighbours(C);
    const size_t changed = pruned ? AssignStep(xt.data(), nt, *C, *move, s, &work)
                                  : ExhaustiveStep(xt.data(), nt, *C, s);
    if (pruned) {
      chooser.RecordPruned(it, costs.Pruned(work, k, d));
    } else {
      chooser.RecordExhaustive();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    old = C->c;
    double objective = 0;
    const size_t splits = UpdateCentroids(xt.data(), nt, s->a, &rng, C, &objective);
    for (size_t c = 0; c < k; ++c) (*move)[c] = Dist(&old[c * d], C->at(c), d);
    r->iterations_run = it + 1;
    progress.Add(1);
    progress.SetPostfix("changed " + std::to_string(changed));
    log::Debug("k-means iteration ", it, ": ", pruned ? "pruned" : "exhaustive", " step ", seconds, " s (",
               work.points, " points, ", work.dists, " distances, ", work.scans, " scans), ", changed,
               " changed, ", splits, " splits, objective ", objective);
    if (stop.Stop(it, changed, splits, objective)) break;
  }
  progress.Finish();
  r->exhaustive_iterations = chooser.exhaustive_steps();
  return chooser;
}

}  // namespace

Result<KMeansResult> FastKMeans(const float* x, size_t n, size_t d, const KMeansOptions& o) {
  const size_t k = static_cast<size_t>(o.k);
  KMeansResult r;
  // FAISS's training sample and initial centroids: this engine starts where
  // faiss.Kmeans starts and follows the same Lloyd iterations.
  const size_t nt = std::min(n, k * static_cast<size_t>(o.max_points_per_centroid));
  std::vector<int> perm;
  const std::vector<float> xt = TrainingRows(x, n, d, nt, o.seed, &perm);
  r.training_rows = nt;
  Centroids C = InitialCentroids(xt, nt, d, k, o.seed);
  PointState s;
  s.a.assign(nt, 0);
  s.upper.assign(nt, kInf);
  s.lower.assign(nt, 0.f);
  std::vector<float> move(k, 0.f);
  const StepChooser chooser = Lloyd(xt, nt, o, &C, &s, &move, &r);
  // Final assignment against the final centroids, exact: the exhaustive pass
  // over every row, or, where the pruned step was cheaper, that step for the
  // training rows and the exhaustive pass for the others.
  BuildNeighbours(&C);
  r.assignment.assign(n, 0);
  PrunedWork work;
  if (chooser.PrefersExhaustive()) {
    AssignExhaustive(x, n, C, r.assignment.data());
    for (size_t i = 0; i < nt; ++i) s.a[i] = r.assignment[perm[i]];
  } else {
    AssignStep(xt.data(), nt, C, move, &s, &work);
    for (size_t i = 0; i < nt; ++i) r.assignment[perm[i]] = s.a[i];
    AssignRest(x, d, perm, nt, C, &r.assignment);
  }
  r.objective = 0;
  for (size_t i = 0; i < nt; ++i) {
    const double dist = Dist(&xt[i * d], C.at(s.a[i]), d);
    r.objective += dist * dist;
  }
  r.centroids = std::move(C.c);
  return r;
}

}  // namespace xmas::select
