// Files `xmas select` writes (internal to select/): the subset, the report,
// and the authors' cluster / stability files.
#pragma once

#include <string>
#include <vector>

#include "xmas/select/select.h"

namespace xmas::select {

// The subset in `order` (dataset indices). Byte-for-byte records by
// default; json.dump(indent=4) layout when python_format.
Status WriteSubsetFile(const data::DatasetIndex& dataset, const std::vector<size_t>& order,
                       const std::string& path, bool python_format);

// <dir>/attn_svd_cluster_idxs.json (indent=4) and
// <dir>/attn_svd_stability_vals_top-<k>_singular_vals.json (indent=2), as
// kmeans_clustering.py names and formats them ("loss_..." for S2L).
Status WriteOfficialFiles(const Selection& selection, const std::string& dir, const std::string& metric,
                          int top_k);

// The report JSON: settings, budget, chosen ids, clusters, quotas,
// composition by source, timings.
Status WriteReport(const data::DatasetIndex& dataset, const SelectOptions& options,
                   const Selection& selection, const std::string& path);

}  // namespace xmas::select
