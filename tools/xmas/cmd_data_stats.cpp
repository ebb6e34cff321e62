// `xmas data stats DATA [--json]`: records per source, text-only count, turns and lengths.
#include <iostream>
#include <numeric>

#include "command.h"
#include "xmas/data/dataset.h"
#include "xmas/data/stats.h"
#include "xmas/data/validate.h"

namespace {

struct Options {
  std::string data;
  bool json = false;
  std::string on_error;
};

xmas::Status Run(const Options& options) {
  XMAS_ASSIGN_OR_RETURN(auto policy, xmas::data::ParseOnError(options.on_error));
  xmas::data::LoadOptions load;
  load.collect_record_problems = true;
  load.max_images = 0;  // counting only
  XMAS_ASSIGN_OR_RETURN(auto dataset, xmas::data::Dataset::Load(options.data, load));
  std::vector<size_t> indices(dataset.size());
  std::iota(indices.begin(), indices.end(), size_t{0});
  if (policy == xmas::data::OnError::kSkip || !dataset.load_problems().empty()) {
    // Counting needs readable records, not valid ones. (With fail and a clean
    // load, ComputeStats itself stops at the first unreadable record.)
    xmas::data::ValidateOptions readable;
    readable.check_content = false;
    XMAS_ASSIGN_OR_RETURN(indices, xmas::data::CheckRecords(dataset, readable, policy));
  }
  XMAS_ASSIGN_OR_RETURN(auto stats, xmas::data::ComputeStats(dataset, indices));
  std::cout << (options.json ? xmas::data::StatsToJson(stats) + "\n" : xmas::data::FormatStatsTable(stats));
  return xmas::Status::Ok();
}

void AddStats(CLI::App& app) {
  CLI::App* group = xmas::cli::GetOrAddGroup(app, "data");
  auto* cmd = group->add_subcommand(
      "stats", "Detected format; records by source, text-only and several-image counts; turns, characters and words per "
      "record (min/median/p90/max)");
  auto options = std::make_shared<Options>();
  xmas::cli::AddDatasetArgument(cmd, &options->data);
  cmd->add_flag("--json", options->json, "Print one JSON object instead of a table");
  xmas::cli::AddOnErrorOption(cmd, &options->on_error);
  xmas::cli::SetAction(cmd, [options] { return Run(*options); });
}
XMAS_COMMAND("data stats", AddStats);

}  // namespace
