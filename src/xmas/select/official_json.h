// Reader for the authors' per-checkpoint trajectory files (docs/method.md §3):
//   <dir>/checkpoint-<step>_attn_svd_<partial|full>_vals_top<k>.json  {unique_idx: [σ1..σk]}
//   <dir>/checkpoint-<step>_loss.json                                  {unique_idx: loss}
// Files are taken in ascending step order; the row order is the key order
// of the first file, as in the authors' kmeans_clustering.py.
//
// Unlike their script (which silently skips a checkpoint it cannot read),
// every inconsistency is an error naming the file, the row and its key: a key
// missing from or extra to a later checkpoint, a duplicate key, a value that
// is not a number or a list of numbers, a list whose length is not the k of
// its file's name (top<k>: ragged rows, and so rows of different lengths
// across checkpoints, are refused; their script would sum what is there).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/select/trajectories.h"
#include "xmas/util/status.h"

namespace xmas::select {

enum class OfficialMetric { kAttnSvd, kLoss };

// Largest k accepted (in a file name or as an option): k values per row and
// checkpoint are kept in memory, so a name may not choose the allocation.
// Attention matrices have at most a few thousand image tokens.
constexpr int kMaxOfficialTopK = 1 << 14;

struct OfficialFile {
  int64_t step = 0;
  int top_k = 0;     // from "top<k>" in the name; 0 for loss files
  std::string path;
};

// The metric files of `dir`, sorted by step. NotFound if there are none.
Result<std::vector<OfficialFile>> ListOfficialFiles(const std::string& dir, OfficialMetric metric);

// True if `dir` holds at least one file of the authors' naming scheme.
bool IsOfficialDir(const std::string& dir);

struct OfficialReadOptions {
  OfficialMetric metric = OfficialMetric::kAttnSvd;
  // Singular values used per checkpoint (largest first); 0 = the k in the
  // file names (which must then agree). A file holding fewer is an error.
  int top_k = 0;
  // false: Σ of the top-k values per checkpoint (the authors' feature);
  // true: keep the k values themselves (dims = k).
  bool keep_all = false;
  // NaN / Infinity (Python's json writes them) are accepted only when true;
  // otherwise they are an error naming the file and key.
  bool allow_nan = false;
  bool show_progress = true;
  // Expected keys and their total bytes (the dataset's), so the key table is
  // sized once instead of doubling while 665k keys stream in; 0 = unknown.
  size_t expected_rows = 0;
  size_t expected_key_bytes = 0;
};

// Reads every checkpoint into a Trajectories (all rows valid; the caller
// marks text-only rows). Σ top-k is summed in double from the largest value
// down, then rounded to float32, exactly as the authors do.
Result<Trajectories> ReadOfficialTrajectories(const std::string& dir,
                                              const OfficialReadOptions& options);

}  // namespace xmas::select
