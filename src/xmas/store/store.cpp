#include "xmas/store/store.h"

#include <cmath>
#include <filesystem>
#include <unordered_set>

#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/npy.h"

namespace xmas::store {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return name != "manifest" && name != "ids" && name != "valid";
}

json FeatureToJson(const FeatureInfo& f, size_t n) {
  json j;
  j["per_checkpoint"] = f.per_checkpoint;
  j["dtype"] = "float32";
  j["shape"] = f.cols < 0 ? json::array({n}) : json::array({n, f.cols});
  if (f.per_checkpoint) {
    json files = json::object();
    for (const auto& [step, path] : f.files) files[std::to_string(step)] = path;
    j["files"] = files;
  } else {
    j["file"] = f.file;
  }
  return j;
}

}  // namespace

Result<StoreWriter> StoreWriter::Create(const std::string& dir, std::vector<std::string> ids,
                                        std::vector<uint8_t> valid, bool overwrite) {
  if (ids.size() != valid.size()) {
    return Status::InvalidInput(dir + ": " + std::to_string(ids.size()) + " ids but " +
                                std::to_string(valid.size()) + " validity flags");
  }
  std::unordered_set<std::string_view> seen;
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].find_first_of("\r\n") != std::string::npos || ids[i].empty()) {
      return Status::InvalidInput(dir + ": row " + std::to_string(i) + " (id '" + ids[i] +
                                  "'): id is empty or contains a line break");
    }
    if (!seen.insert(ids[i]).second) {
      return Status::InvalidInput(dir + ": row " + std::to_string(i) + " (id '" + ids[i] +
                                  "'): duplicate id");
    }
    text += ids[i];
    text += '\n';
  }
  XMAS_RETURN_IF_ERROR(PrepareOutputDir(dir, overwrite));
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(dir + "/ids.txt", text));
  std::vector<int32_t> mask(valid.begin(), valid.end());
  XMAS_RETURN_IF_ERROR(WriteNpy(dir + "/valid.npy", NpyType::kInt32, mask.data(),
                                static_cast<int64_t>(mask.size()), -1));
  StoreWriter w;
  w.dir_ = dir;
  w.ids_ = std::move(ids);
  return w;
}

Status StoreWriter::CheckValues(const std::string& file, const float* values, int64_t cols) const {
  const size_t width = cols < 0 ? 1 : static_cast<size_t>(cols);
  for (size_t i = 0; i < ids_.size(); ++i) {
    for (size_t c = 0; c < width; ++c) {
      if (!std::isfinite(values[i * width + c])) {
        return Status::InvalidInput(file + ": row " + std::to_string(i) + " (id '" + ids_[i] +
                                    "'): non-finite value (mark missing rows in valid.npy)");
      }
    }
  }
  return Status::Ok();
}

Status StoreWriter::AddCheckpoint(const std::string& name, int64_t step, const float* values,
                                  int64_t cols) {
  if (!ValidName(name)) return Status::Usage(dir_ + ": invalid feature name '" + name + "'");
  FeatureInfo& f = features_[name];
  if (f.name.empty()) {
    f.name = name;
    f.per_checkpoint = true;
    f.cols = cols;
  } else if (!f.per_checkpoint || f.cols != cols) {
    return Status::InvalidInput(dir_ + ": feature '" + name + "': shape or kind differs from earlier");
  }
  if (f.files.count(step)) {
    return Status::InvalidInput(dir_ + ": feature '" + name + "': step " + std::to_string(step) +
                                " written twice");
  }
  const std::string rel = name + "/checkpoint-" + std::to_string(step) + ".npy";
  XMAS_RETURN_IF_ERROR(CheckValues(dir_ + "/" + rel, values, cols));
  std::error_code ec;
  fs::create_directories(dir_ + "/" + name, ec);
  if (ec) return Status::IoError(dir_ + "/" + name + ": cannot create directory: " + ec.message());
  XMAS_RETURN_IF_ERROR(WriteNpy(dir_ + "/" + rel, NpyType::kFloat32, values,
                                static_cast<int64_t>(ids_.size()), cols));
  f.files[step] = rel;
  return Status::Ok();
}

Status StoreWriter::AddStatic(const std::string& name, const float* values, int64_t cols) {
  if (!ValidName(name)) return Status::Usage(dir_ + ": invalid feature name '" + name + "'");
  if (features_.count(name)) return Status::InvalidInput(dir_ + ": feature '" + name + "' written twice");
  const std::string rel = name + ".npy";
  XMAS_RETURN_IF_ERROR(CheckValues(dir_ + "/" + rel, values, cols));
  XMAS_RETURN_IF_ERROR(WriteNpy(dir_ + "/" + rel, NpyType::kFloat32, values,
                                static_cast<int64_t>(ids_.size()), cols));
  FeatureInfo f;
  f.name = name;
  f.cols = cols;
  f.file = rel;
  features_[name] = f;
  return Status::Ok();
}

Status StoreWriter::Finish() {
  json m;
  m["format"] = kStoreFormat;
  m["version"] = kStoreVersion;
  m["num_examples"] = ids_.size();
  m["ids_file"] = "ids.txt";
  m["valid_file"] = "valid.npy";
  m["top_k"] = top_k_;
  json features = json::object();
  for (const auto& [name, f] : features_) features[name] = FeatureToJson(f, ids_.size());
  m["features"] = features;
  m["settings"] = settings_;
  return WriteFileAtomic(files::ManifestPath(dir_), m.dump(2) + "\n");
}

}  // namespace xmas::store
