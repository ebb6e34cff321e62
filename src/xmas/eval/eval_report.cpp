#include "xmas/eval/eval_report.h"

namespace xmas::eval {
using nlohmann::json;

std::map<std::string, double> EvalReport::Scores() const {
  std::map<std::string, double> scores;
  for (const auto& b : benchmarks) scores[b.name] = b.score;
  return scores;
}

json EvalReportToJson(const EvalReport& report) {
  json benches = json::object();
  for (const auto& b : report.benchmarks) {
    json entry = {{"metric", b.metric}, {"count", b.count}, {"score", b.score}};
    for (const auto& [k, v] : b.extras) entry[k] = v;
    benches[b.name] = entry;
  }
  return {{"model", report.model}, {"seconds", report.seconds}, {"benchmarks", benches}};
}

Result<EvalReport> EvalReportFromJson(const std::string& json_text, const std::string& source) {
  json doc = json::parse(json_text, nullptr, false);
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_object()) {
    return Status::InvalidInput(source + ": field 'benchmarks': expected an object");
  }
  EvalReport report;
  report.model = doc.value("model", "");
  report.seconds = doc.value("seconds", 0.0);
  for (const auto& [name, entry] : doc["benchmarks"].items()) {
    if (!entry.is_object() || !entry.contains("score") || !entry["score"].is_number()) {
      return Status::InvalidInput(source + ": field 'benchmarks." + name + ".score': expected a number");
    }
    BenchmarkScore b;
    b.name = name;
    b.metric = entry.value("metric", "");
    b.count = entry.value("count", size_t{0});
    b.score = entry["score"].get<double>();
    for (const auto& [k, v] : entry.items()) {
      if (v.is_number() && k != "score" && k != "count") b.extras[k] = v.get<double>();
    }
    report.benchmarks.push_back(std::move(b));
  }
  return report;
}

}  // namespace xmas::eval
