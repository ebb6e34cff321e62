#include <string>

#include "xmas/data/dataset.h"
#include "xmas/data/record_writer.h"
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
  RecordWriter writer(dataset.format().container);
  for (size_t i : indices) XMAS_RETURN_IF_ERROR(writer.Add(dataset[i].raw, &out));
  XMAS_RETURN_IF_ERROR(writer.Finish(&out));
  return out.Commit();
}

}  // namespace xmas::data
