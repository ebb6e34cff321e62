#include <string>

#include "xmas/data/dataset.h"
#include "xmas/util/atomic_file.h"

namespace xmas::data {

Status WriteSubset(const Dataset& dataset, const std::vector<size_t>& indices,
                   const std::string& out_path) {
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(out_path, {dataset.path()}));
  for (size_t i : indices) {
    if (i >= dataset.size()) {
      return Status::InvalidInput(out_path + ": record index " + std::to_string(i) +
                                  " is out of range (dataset " + dataset.path() + " has " +
                                  std::to_string(dataset.size()) + " records)");
    }
    if (dataset[i].raw.empty()) {
      return Status::InvalidInput(dataset.Where(i) + ": not a JSON object; cannot be written");
    }
  }
  AtomicFile out;
  XMAS_RETURN_IF_ERROR(out.Open(out_path));
  // Records are batched into ~1 MiB writes; each keeps its exact bytes.
  std::string chunk = "[";
  for (size_t k = 0; k < indices.size(); ++k) {
    chunk += k == 0 ? "\n" : ",\n";
    chunk += dataset[indices[k]].raw;
    if (chunk.size() >= (1u << 20)) {
      XMAS_RETURN_IF_ERROR(out.Write(chunk));
      chunk.clear();
    }
  }
  chunk += "\n]\n";
  XMAS_RETURN_IF_ERROR(out.Write(chunk));
  return out.Commit();
}

}  // namespace xmas::data
