#include "xmas/experiment/step_cache.h"

#include <chrono>
#include <filesystem>

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

StepKey::StepKey(const std::string& kind) { inputs_["kind"] = kind; }

StepKey& StepKey::Setting(const std::string& name, const std::string& value) {
  inputs_["settings"][name] = value;
  return *this;
}

StepKey& StepKey::Setting(const std::string& name, const json& value) {
  inputs_["settings"][name] = value;
  return *this;
}

Status StepKey::InputPath(const std::string& name, const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string hash, HashPath(path));
  inputs_["inputs"][name] = hash;
  return Status::Ok();
}

StepKey& StepKey::Upstream(const std::string& name, const StepStamp& stamp) {
  inputs_["inputs"][name] = stamp.output_hash;
  return *this;
}

// nlohmann::json objects are key-sorted, so dump() is canonical.
std::string StepKey::Key() const { return Sha256Hex(inputs_.dump()); }

std::string StampPath(const std::string& output) {
  fs::path p(output);
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();  // "dir/" form
  fs::path dir = p.filename().empty() ? p.parent_path().parent_path() : p.parent_path();
  return (dir / ("." + name + ".xmas-step.json")).string();
}

std::optional<StepStamp> ReadStamp(const std::string& output) {
  auto bytes = ReadFile(StampPath(output));
  if (!bytes.ok()) return std::nullopt;
  json doc = json::parse(*bytes, nullptr, false);
  if (!doc.is_object() || !doc.contains("key") || !doc["key"].is_string() ||
      !doc.contains("output_hash") || !doc["output_hash"].is_string()) {
    return std::nullopt;
  }
  StepStamp stamp;
  stamp.key = doc["key"];
  stamp.output_hash = doc["output_hash"];
  stamp.seconds = doc.value("seconds", 0.0);
  stamp.inputs = doc.value("inputs", json::object());
  return stamp;
}

std::optional<StepStamp> FindDone(const std::string& output, const std::string& key) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return std::nullopt;
  auto stamp = ReadStamp(output);
  if (!stamp || stamp->key != key) return std::nullopt;
  return stamp;
}

Status RemoveStamp(const std::string& output) {
  std::error_code ec;
  fs::remove(StampPath(output), ec);
  if (ec) return Status::IoError(StampPath(output) + ": cannot remove: " + ec.message());
  return Status::Ok();
}

Result<StepStamp> MarkDone(const std::string& output, const StepKey& key, double seconds) {
  XMAS_ASSIGN_OR_RETURN(std::string hash, HashPath(output));
  StepStamp stamp{key.Key(), hash, seconds, key.inputs()};
  json doc = {{"key", stamp.key}, {"output_hash", stamp.output_hash},
              {"seconds", stamp.seconds}, {"inputs", stamp.inputs}};
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(StampPath(output), doc.dump(2) + "\n"));
  return stamp;
}

Result<StepOutcome> RunCached(const std::string& label, const std::string& output,
                              const StepKey& key, const std::function<Status()>& run) {
  std::string k = key.Key();
  if (auto done = FindDone(output, k)) {
    log::Info(label, ": cached (", output, ")");
    return StepOutcome{*done, true};
  }
  XMAS_RETURN_IF_ERROR(RemoveStamp(output));
  std::error_code ec;
  fs::path parent = fs::path(output).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  log::Info(label, ": running");
  auto start = std::chrono::steady_clock::now();
  XMAS_RETURN_IF_ERROR(run().WithPrefix(label));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  XMAS_ASSIGN_OR_RETURN(StepStamp stamp, MarkDone(output, key, seconds));
  log::Info(label, ": done in ", FormatDuration(seconds));
  return StepOutcome{stamp, false};
}

}  // namespace xmas::experiment
