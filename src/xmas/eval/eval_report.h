// The outcome of an evaluation (evaluator.h) and its JSON form, torch-free so
// the experiment runner and the report read cached results without model code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "xmas/util/status.h"

namespace xmas::eval {

struct BenchmarkScore {
  std::string name;
  std::string metric;            // the metric's name, or "mixed"
  size_t count = 0;
  double score = 0;              // percent
  std::map<std::string, double> extras;
};

struct EvalReport {
  std::string model;             // the checkpoint evaluated
  std::vector<BenchmarkScore> benchmarks;
  double seconds = 0;

  // benchmark name -> score.
  std::map<std::string, double> Scores() const;
};

// {"model", "seconds", "benchmarks": {name: {"metric", "count", "score", ...extras}}}
nlohmann::json EvalReportToJson(const EvalReport& report);
Result<EvalReport> EvalReportFromJson(const std::string& json_text, const std::string& source);

}  // namespace xmas::eval
