#include "xmas/traj/export_official.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "xmas/store/store.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace xmas::traj {

// The feature store's names (xmas::store).
using store::FeatureMatrix, store::Store;
namespace feature = store::feature;
namespace {

// {key: value-or-list, ...} for every row, in row order; one line per row.
Status WriteRows(const Store& store, const FeatureMatrix& m, bool as_list,
                 const std::string& path) {
  std::string out = "{";
  for (size_t i = 0; i < m.rows; ++i) {
    out += i ? ",\n" : "\n";
    out += nlohmann::json(std::string(store.id(i))).dump();
    out += ": ";
    if (as_list) out += "[";
    for (size_t c = 0; c < m.cols; ++c) {
      if (c) out += ", ";
      out += nlohmann::json(static_cast<double>(m.row(i)[c])).dump();
    }
    if (as_list) out += "]";
  }
  out += "\n}\n";
  return WriteFileAtomic(path, out);
}

}  // namespace

Status ExportOfficial(const std::string& store_dir, const std::string& out_dir) {
  XMAS_ASSIGN_OR_RETURN(Store store, Store::Open(store_dir));
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IoError(out_dir + ": cannot create directory: " + ec.message());
  int files = 0;
  if (store.Has(feature::kSvd)) {
    XMAS_ASSIGN_OR_RETURN(auto steps, store.Steps(feature::kSvd));
    for (int64_t step : steps) {
      XMAS_ASSIGN_OR_RETURN(FeatureMatrix m, store.ReadCheckpoint(feature::kSvd, step));
      const std::string name = files::OfficialSvdFile(step, static_cast<int64_t>(m.cols));
      XMAS_RETURN_IF_ERROR(WriteRows(store, m, true, out_dir + "/" + name));
      ++files;
    }
  }
  if (store.Has(feature::kLoss)) {
    XMAS_ASSIGN_OR_RETURN(auto steps, store.Steps(feature::kLoss));
    for (int64_t step : steps) {
      XMAS_ASSIGN_OR_RETURN(FeatureMatrix m, store.ReadCheckpoint(feature::kLoss, step));
      const std::string name = files::OfficialLossFile(step);
      XMAS_RETURN_IF_ERROR(WriteRows(store, m, false, out_dir + "/" + name));
      ++files;
    }
  }
  if (files == 0) return Status::InvalidInput(store_dir + ": no svd or loss feature to export");
  log::Info("exported ", files, " files in the authors' layout to ", out_dir);
  return Status::Ok();
}

}  // namespace xmas::traj
