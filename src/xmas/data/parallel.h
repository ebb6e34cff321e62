// Record loops on every core: the data component's one way to spread work
// over threads (not a public header).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::data {

// `threads` as given, or one per core for 0.
inline size_t ThreadCount(int threads) {
  if (threads > 0) return static_cast<size_t>(threads);
  return std::max(1u, std::thread::hardware_concurrency());
}

// The number of workers ForBatches uses for n items.
inline size_t WorkerCount(size_t n, int threads, size_t batch) {
  batch = std::max<size_t>(batch, 1);
  return std::min(ThreadCount(threads), std::max<size_t>(1, (n + batch - 1) / batch));
}

// Calls fn(worker, begin, end) for consecutive batches of [0, n), on
// `threads` threads (0: one per core; worker 0 is the calling thread, the
// others 1..threads-1). Batches are handed
// out in increasing order; once any fn returns false no further batch is
// started (batches already started finish), so every batch below the one
// that stopped has run. `progress(done)` runs on the calling thread after
// each of its batches, with the number of items finished so far.
inline void ForBatches(size_t n, int threads, size_t batch, const std::function<bool(size_t, size_t, size_t)>& fn,
                       const std::function<void(size_t)>& progress = {}) {
  batch = std::max<size_t>(batch, 1);
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  auto work = [&](size_t worker) {
    while (!stop.load()) {
      const size_t begin = next.fetch_add(batch);
      if (begin >= n) break;
      const size_t end = std::min(n, begin + batch);
      if (!fn(worker, begin, end)) stop.store(true);
      const size_t finished = done.fetch_add(end - begin) + (end - begin);
      if (worker == 0 && progress) progress(finished);
    }
  };
  const size_t count = WorkerCount(n, threads, batch);
  std::vector<std::thread> workers;
  for (size_t t = 1; t < count; ++t) workers.emplace_back(work, t);
  work(0);
  for (auto& worker : workers) worker.join();
}

// fn(worker, i) for every i in [0, n) (ForBatches underneath). Stops at the
// first error and returns that of the lowest failing i, so the result does
// not depend on the threads' timing.
inline Status ForEachItem(size_t n, int threads, size_t batch, const std::function<Status(size_t, size_t)>& fn,
                          const std::function<void(size_t)>& progress = {}) {
  const size_t workers = WorkerCount(n, threads, batch);
  std::vector<Status> error(workers, Status::Ok());
  std::vector<size_t> error_at(workers, SIZE_MAX);
  ForBatches(
      n, threads, batch,
      [&](size_t worker, size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
          Status status = fn(worker, i);
          if (!status.ok()) {
            error_at[worker] = i;
            error[worker] = std::move(status);
            return false;
          }
        }
        return true;
      },
      progress);
  const size_t first = static_cast<size_t>(std::min_element(error_at.begin(), error_at.end()) - error_at.begin());
  return error_at[first] == SIZE_MAX ? Status::Ok() : error[first];
}

}  // namespace xmas::data
