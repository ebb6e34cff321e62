// Which assignment step the kFast k-means engine (kmeans_fast.cpp) runs each
// iteration: the exhaustive two-nearest pass (kmeans_exhaustive.h) or
// Hamerly's pruned search. Chosen by counted work, not by the clock, so the
// same input, seed and options give the same steps and the same result on
// any machine, load and thread count.
//
// The pruned step counts what it did (points tested, scalar distances,
// whole scans); both steps are priced with per-operation costs measured once
// on the development VM and then fixed, so the choice is a deterministic
// function of those counts. The prices only decide which
// step is cheaper; both give the exact nearest centroid.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xmas::select {

// What one pruned assignment step did (summed over points: independent of
// the thread count).
struct PrunedWork {
  uint64_t points = 0;  // points whose bounds were updated and tested
  uint64_t dists = 0;   // exact scalar distances computed (d each)
  uint64_t scans = 0;   // vectorised scans of all k centroids
};

// Prices in nanoseconds (wall, 2 threads), fitted by least squares to the
// pruned and exhaustive steps of bench/select_generators.py's tight and
// uniform data at 665k x 8, k 940 (56 pruned steps, `--log-level debug`
// prints each step's counts and time) on the development VM. Only their
// ratios matter.
struct StepCosts {
  double per_point = 90;             // bound update and test (and the neighbour lists)
  double per_distance = 60;          // one exact scalar distance (Dist), its search included
  double per_distance_dim = 2;
  double per_scan_dim = 0.17;        // one centroid-dimension of a vectorised scan in a search
  double per_vector_dim = 0.25;      // one centroid-dimension of the exhaustive pass
  double per_exhaustive_point = 20;  // re-ranking the two candidates, writing bounds

  double Exhaustive(size_t n, size_t k, size_t d) const {
    return static_cast<double>(n) * (static_cast<double>(k * d) * per_vector_dim + per_exhaustive_point);
  }
  double Pruned(const PrunedWork& w, size_t k, size_t d) const {
    return static_cast<double>(w.points) * per_point +
           static_cast<double>(w.dists) * (per_distance + per_distance_dim * static_cast<double>(d)) +
           static_cast<double>(w.scans) * static_cast<double>(k * d) * per_scan_dim;
  }
};

// The exhaustive step runs first (the pruned one has no bounds yet); the
// pruned one runs while its last priced cost is at most the exhaustive
// one's, and while it loses it is retried after 4, 8, 16, ... iterations, so
// on data where pruning never pays an iteration costs about the exhaustive
// pass (itself cheaper than FAISS's brute force at these dimensions).
class StepChooser {
 public:
  static constexpr int kFirstProbeGap = 4;
  explicit StepChooser(double exhaustive_cost) : exhaustive_(exhaustive_cost) {}

  bool UsePruned(int it) const {
    if (it == 0) return false;
    return pruned_ <= exhaustive_ || (it - last_probe_) >= probe_gap_;
  }
  void RecordExhaustive() { ++exhaustive_steps_; }
  void RecordPruned(int it, double cost) {
    const bool probe = pruned_ > exhaustive_ && it - last_probe_ >= probe_gap_;
    pruned_ = cost;
    // A probe that loses waits twice as long for the next one.
    probe_gap_ = pruned_ > exhaustive_ && probe ? 2 * probe_gap_ : kFirstProbeGap;
    last_probe_ = it;
  }
  int exhaustive_steps() const { return exhaustive_steps_; }
  bool PrefersExhaustive() const { return pruned_ > exhaustive_; }

 private:
  double exhaustive_ = 0, pruned_ = 0;
  int last_probe_ = 0, probe_gap_ = kFirstProbeGap, exhaustive_steps_ = 0;
};

}  // namespace xmas::select
