#include "xmas/experiment/results_inputs.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "xmas/eval/bench_file.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"

namespace xmas::experiment::internal {
using nlohmann::json;

Result<std::map<std::string, eval::MajorityBaseline>> LoadBaselines(const std::string& bench, int64_t limit) {
  XMAS_ASSIGN_OR_RETURN(std::vector<std::string> paths, eval::ListBenchFiles(bench));
  std::map<std::string, eval::MajorityBaseline> out;
  for (const auto& path : paths) {
    XMAS_ASSIGN_OR_RETURN(eval::BenchFile file, eval::LoadBenchFile(path));
    if (limit > 0 && file.items.size() > static_cast<size_t>(limit)) file.items.resize(static_cast<size_t>(limit));
    XMAS_ASSIGN_OR_RETURN(out[file.name], eval::MajorityAnswerBaseline(file));
  }
  return out;
}

Result<std::map<std::string, std::vector<double>>> LoadItemScores(const std::string& eval_dir,
                                                                  const eval::EvalReport& report) {
  std::map<std::string, std::vector<double>> out;
  for (const auto& b : report.benchmarks) {
    std::string path = eval_dir + "/" + b.name + ".predictions.jsonl";
    XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    std::istringstream lines(text);
    std::string line;
    std::vector<double>& scores = out[b.name];
    for (size_t n = 1; std::getline(lines, line); ++n) {
      if (line.empty()) continue;
      json item = json::parse(line, nullptr, false);
      if (!item.is_object() || !item.contains("score") || !item["score"].is_number()) {
        return Status::InvalidInput(path + ": line " + std::to_string(n) + ": field 'score': expected a number");
      }
      scores.push_back(item["score"].get<double>());
    }
  }
  return out;
}

int64_t TrainedSteps(const std::string& run) {
  auto text = ReadFile(files::TrainerStatePath(files::FinalDir(run)));
  if (!text.ok()) return 0;
  json state = json::parse(*text, nullptr, false);
  if (!state.is_object()) return 0;
  for (const char* key : {"global_step", "total_steps"}) {
    if (state.contains(key) && state[key].is_number_integer()) return state[key].get<int64_t>();
  }
  return 0;
}

}  // namespace xmas::experiment::internal
