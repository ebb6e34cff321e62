// Store (reading side of store.h).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <type_traits>

#include "xmas/store/store.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/npy.h"

namespace xmas::store {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool SafeRelative(const std::string& rel) {
  if (rel.empty() || rel[0] == '/') return false;
  for (const auto& part : fs::path(rel)) {
    if (part == "..") return false;
  }
  return true;
}

// obj[key] if present (else `fallback`), checked to be of T's JSON type:
// nlohmann's value() throws on a wrong type, and a float read as an int
// would be undefined when out of range (both found by fuzz/store_fuzz.cpp).
template <typename T>
Result<T> Field(const json& obj, const char* key, T fallback, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  bool ok;
  if constexpr (std::is_same_v<T, bool>) {
    ok = it->is_boolean();
  } else if constexpr (std::is_integral_v<T>) {
    ok = it->is_number_integer() && (it->is_number_unsigned() ? it->template get<uint64_t>() <= 1u << 30
                                                              : std::abs(it->template get<int64_t>()) <= 1 << 30);
  } else if constexpr (std::is_same_v<T, std::string>) {
    ok = it->is_string();
  } else {
    ok = it->is_object();
  }
  if (!ok) return Status::InvalidInput(where + ": field '" + key + "': wrong type or out of range");
  return it->template get<T>();
}

Result<FeatureInfo> ParseFeature(const std::string& where, const std::string& name, const json& j,
                                 size_t n) {
  FeatureInfo f;
  f.name = name;
  const std::string at = where + ": features." + name;
  if (!j.is_object() || !j.contains("shape") || !j["shape"].is_array()) {
    return Status::InvalidInput(at + ": expected an object with 'shape'");
  }
  const json& shape = j["shape"];
  if (shape.empty() || shape.size() > 2 || !shape[0].is_number_unsigned() || shape[0] != n ||
      (shape.size() == 2 && !shape[1].is_number_unsigned())) {
    return Status::InvalidInput(at + ".shape: expected [" + std::to_string(n) + "] or [" +
                                std::to_string(n) + ", D]");
  }
  if (shape.size() == 2 && shape[1].get<uint64_t>() > (1u << 30)) {
    return Status::InvalidInput(at + ".shape: D is out of range");
  }
  f.cols = shape.size() == 2 ? shape[1].get<int64_t>() : -1;
  XMAS_ASSIGN_OR_RETURN(f.per_checkpoint, Field(j, "per_checkpoint", false, at));
  if (f.per_checkpoint) {
    if (!j.contains("files") || !j["files"].is_object()) return Status::InvalidInput(at + ".files: expected an object");
    for (const auto& [step, path] : j["files"].items()) {
      char* end = nullptr;
      const long long s = std::strtoll(step.c_str(), &end, 10);
      if (step.empty() || *end != '\0' || !path.is_string() || !SafeRelative(path.get<std::string>())) {
        return Status::InvalidInput(at + ".files." + step + ": expected \"<step>\": \"relative/path.npy\"");
      }
      f.files[s] = path.get<std::string>();
    }
    if (f.files.empty()) return Status::InvalidInput(at + ".files: empty");
  } else {
    if (!j.contains("file") || !j["file"].is_string() || !SafeRelative(j["file"].get<std::string>())) {
      return Status::InvalidInput(at + ".file: expected a relative path");
    }
    f.file = j["file"].get<std::string>();
  }
  return f;
}

}  // namespace

bool Store::IsStore(const std::string& dir) {
  auto text = xmas::ReadFile(files::ManifestPath(dir));
  if (!text.ok()) return false;
  json m = json::parse(*text, nullptr, false);
  if (!m.is_object()) return false;
  auto format = Field<std::string>(m, "format", "", dir);
  return format.ok() && *format == kStoreFormat;
}

Result<Store> Store::Open(const std::string& dir) {
  const std::string mpath = files::ManifestPath(dir);
  XMAS_ASSIGN_OR_RETURN(std::string text, xmas::ReadFile(mpath));
  json m = json::parse(text, nullptr, false);
  auto format = m.is_object() ? Field<std::string>(m, "format", "", mpath) : Result<std::string>("");
  if (!format.ok() || *format != kStoreFormat) {
    return Status::InvalidInput(mpath + ": not an " + std::string(kStoreFormat) + " manifest");
  }
  XMAS_ASSIGN_OR_RETURN(const int version, Field(m, "version", 0, mpath));
  if (version != kStoreVersion) {
    return Status::InvalidInput(mpath + ": field 'version': expected " + std::to_string(kStoreVersion));
  }
  if (!m.contains("num_examples") || !m["num_examples"].is_number_unsigned()) {
    return Status::InvalidInput(mpath + ": field 'num_examples': expected a count");
  }
  const size_t n = m["num_examples"].get<size_t>();
  Store s;
  s.dir_ = dir;
  XMAS_ASSIGN_OR_RETURN(s.top_k_, Field(m, "top_k", 0, mpath));
  XMAS_ASSIGN_OR_RETURN(s.settings_, Field(m, "settings", json::object(), mpath));
  XMAS_ASSIGN_OR_RETURN(const std::string ids_rel, Field<std::string>(m, "ids_file", "ids.txt", mpath));
  if (!SafeRelative(ids_rel)) return Status::InvalidInput(mpath + ": field 'ids_file': bad path");
  XMAS_ASSIGN_OR_RETURN(s.ids_, xmas::ReadFile(dir + "/" + ids_rel));
  s.offsets_.assign(1, 0);
  for (size_t i = 0; i < s.ids_.size(); ++i) {
    if (s.ids_[i] == '\n') s.offsets_.push_back(i + 1);
  }
  if (s.size() != n || (!s.ids_.empty() && s.ids_.back() != '\n')) {
    return Status::InvalidInput(dir + "/" + ids_rel + ": expected " + std::to_string(n) +
                                " newline-terminated ids, found " + std::to_string(s.size()));
  }
  XMAS_ASSIGN_OR_RETURN(const std::string valid_rel, Field<std::string>(m, "valid_file", "valid.npy", mpath));
  if (!SafeRelative(valid_rel)) return Status::InvalidInput(mpath + ": field 'valid_file': bad path");
  XMAS_ASSIGN_OR_RETURN(NpyArray mask, ReadNpy(dir + "/" + valid_rel));
  if (mask.type != NpyType::kInt32 || mask.shape.size() != 1 || mask.rows() != static_cast<int64_t>(n)) {
    return Status::InvalidInput(dir + "/" + valid_rel + ": expected int32 [" + std::to_string(n) + "]");
  }
  s.valid_.resize(n);
  for (size_t i = 0; i < n; ++i) s.valid_[i] = mask.as<int32_t>()[i] != 0;
  if (m.contains("features")) {
    if (!m["features"].is_object()) return Status::InvalidInput(mpath + ": field 'features': expected an object");
    for (const auto& [name, j] : m["features"].items()) {
      XMAS_ASSIGN_OR_RETURN(FeatureInfo f, ParseFeature(mpath, name, j, n));
      s.features_[name] = f;
    }
  }
  return s;
}

Result<FeatureInfo> Store::Info(const std::string& name) const {
  auto it = features_.find(name);
  if (it != features_.end()) return it->second;
  std::string have;
  for (const auto& [n, f] : features_) have += (have.empty() ? "" : ", ") + n;
  return Status::NotFound(dir_ + ": the store has no feature '" + name + "' (it has: " +
                          (have.empty() ? "none" : have) + ")");
}

Result<std::vector<int64_t>> Store::Steps(const std::string& name) const {
  XMAS_ASSIGN_OR_RETURN(FeatureInfo f, Info(name));
  if (!f.per_checkpoint) return Status::InvalidInput(dir_ + ": feature '" + name + "' is not per checkpoint");
  std::vector<int64_t> steps;
  for (const auto& [step, path] : f.files) steps.push_back(step);
  return steps;
}

Result<FeatureMatrix> Store::ReadFile(const std::string& rel, int64_t cols) const {
  const std::string path = dir_ + "/" + rel;
  XMAS_ASSIGN_OR_RETURN(NpyArray a, ReadNpy(path));
  const bool shape_ok = cols < 0 ? a.shape.size() == 1 : (a.shape.size() == 2 && a.cols() == cols);
  if (a.type != NpyType::kFloat32 || !shape_ok || a.rows() != static_cast<int64_t>(size())) {
    return Status::InvalidInput(path + ": expected float32 [" + std::to_string(size()) +
                                (cols < 0 ? "" : ", " + std::to_string(cols)) + "] as the manifest says");
  }
  FeatureMatrix fm;
  fm.rows = size();
  fm.cols = cols < 0 ? 1 : static_cast<size_t>(cols);
  fm.values.assign(a.as<float>(), a.as<float>() + fm.rows * fm.cols);
  for (size_t i = 0; i < fm.values.size(); ++i) {
    if (!std::isfinite(fm.values[i])) {
      const size_t row = i / fm.cols;
      return Status::InvalidInput(path + ": row " + std::to_string(row) + " (id '" +
                                  std::string(id(row)) + "'): non-finite value");
    }
  }
  return fm;
}

Result<FeatureMatrix> Store::ReadCheckpoint(const std::string& name, int64_t step) const {
  XMAS_ASSIGN_OR_RETURN(FeatureInfo f, Info(name));
  auto it = f.files.find(step);
  if (!f.per_checkpoint || it == f.files.end()) {
    return Status::NotFound(dir_ + ": feature '" + name + "' has no checkpoint " + std::to_string(step));
  }
  return ReadFile(it->second, f.cols);
}

Result<FeatureMatrix> Store::ReadStatic(const std::string& name) const {
  XMAS_ASSIGN_OR_RETURN(FeatureInfo f, Info(name));
  if (f.per_checkpoint) return Status::InvalidInput(dir_ + ": feature '" + name + "' is per checkpoint, not static");
  return ReadFile(f.file, f.cols);
}

}  // namespace xmas::store
