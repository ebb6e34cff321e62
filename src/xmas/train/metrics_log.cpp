#include "xmas/train/metrics_log.h"

#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "xmas/util/atomic_file.h"

namespace xmas::train {

namespace {

nlohmann::json ToJson(const MetricsRow& r) {
  return {{"step", r.step},           {"epoch", r.epoch},   {"loss", r.loss},
          {"lr", r.lr},               {"grad_norm", r.grad_norm},
          {"tokens", r.tokens},       {"seconds", r.seconds}};
}

Result<MetricsRow> ParseRow(const std::string& line, const std::string& where) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput(where + ": not a JSON object");
  MetricsRow r;
  try {
    r.step = j.at("step").get<int64_t>();
    r.epoch = j.value("epoch", int64_t{0});
    r.loss = j.at("loss").get<double>();
    r.lr = j.value("lr", 0.0);
    r.grad_norm = j.value("grad_norm", 0.0);
    r.tokens = j.value("tokens", int64_t{0});
    r.seconds = j.value("seconds", 0.0);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidInput(where + ": field missing or mistyped: " + e.what());
  }
  return r;
}

}  // namespace

MetricsLog::~MetricsLog() {
  if (file_) std::fclose(file_);
}

MetricsLog::MetricsLog(MetricsLog&& other) noexcept
    : path_(std::move(other.path_)), file_(std::exchange(other.file_, nullptr)) {}

MetricsLog& MetricsLog::operator=(MetricsLog&& other) noexcept {
  if (this != &other) {
    if (file_) std::fclose(file_);
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
  }
  return *this;
}

Result<MetricsLog> MetricsLog::Open(const std::string& path, int64_t keep_through_step) {
  std::string kept;
  if (keep_through_step >= 0) {
    auto rows = ReadMetrics(path);
    if (!rows.ok() && rows.status().code() != Status::Code::kNotFound) return rows.status();
    if (rows.ok()) {
      for (const auto& r : *rows) {
        if (r.step <= keep_through_step) kept += ToJson(r).dump() + "\n";
      }
    }
  }
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(path, kept));
  MetricsLog log;
  log.path_ = path;
  log.file_ = std::fopen(path.c_str(), "a");
  if (!log.file_) return Status::IoError(path + ": cannot open for appending");
  return log;
}

Status MetricsLog::Append(const MetricsRow& row) {
  if (!file_) return Status::Internal(path_ + ": metrics log is not open");
  const std::string line = ToJson(row).dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return Status::IoError(path_ + ": write failed");
  }
  return Status::Ok();
}

Result<std::vector<MetricsRow>> ReadMetrics(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<MetricsRow> rows;
  std::istringstream in(text);
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty()) continue;
    XMAS_ASSIGN_OR_RETURN(auto row, ParseRow(line, path + ": line " + std::to_string(line_no)));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace xmas::train
