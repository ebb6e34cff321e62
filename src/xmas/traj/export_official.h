// Writes a store's per-checkpoint features in the authors' file layout
// (docs/method.md §3), so their clustering/sampling scripts (and select's official
// reader) consume our extraction unchanged:
//
//   DIR/checkpoint-<step>_attn_svd_partial_vals_top<k>.json   {unique_idx: [σ1..σk]}
//   DIR/checkpoint-<step>_loss.json                           {unique_idx: loss}
//
// Keys are the store's ids (Record::unique_idx) in row order, which is the
// example order the authors' clustering takes from the first file. Values are
// the store's float32 numbers widened to double and printed in the shortest
// form that reads back to the same double (as Python's json does). Rows
// without a cross-modal value (text-only) are written with zeros: the
// authors' scripts expect every example in every file and set text-only
// examples apart by themselves.
#pragma once

#include <string>

#include "xmas/util/status.h"

namespace xmas::traj {

// Exports every svd (and loss) checkpoint of the store in `store_dir` to
// `out_dir` (created). Each file is written atomically.
Status ExportOfficial(const std::string& store_dir, const std::string& out_dir);

}  // namespace xmas::traj
