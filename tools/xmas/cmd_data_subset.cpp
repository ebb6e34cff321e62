// `xmas data subset DATA (--ids FILE | --indices FILE) -o OUT`: chosen records, byte for byte.
#include "command.h"
#include "xmas/data/dataset.h"
#include "xmas/data/selection_list.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace {

struct Options {
  std::string data;
  std::string ids;
  std::string indices;
  std::string out;
};

xmas::Status Run(const Options& options) {
  if (options.ids.empty() == options.indices.empty()) {
    return xmas::Status::Usage("data subset: give exactly one of --ids FILE or --indices FILE");
  }
  const std::string& list = options.ids.empty() ? options.indices : options.ids;
  XMAS_RETURN_IF_ERROR(xmas::CheckOutputIsNotInput(options.out, {options.data, list}));
  xmas::data::LoadOptions load;
  load.collect_record_problems = true;  // records are copied, not interpreted
  load.max_images = 0;
  XMAS_ASSIGN_OR_RETURN(auto dataset, xmas::data::Dataset::Load(options.data, load));
  XMAS_ASSIGN_OR_RETURN(auto chosen, options.ids.empty() ? xmas::data::ReadIndexList(list, dataset)
                                                         : xmas::data::ReadIdList(list, dataset));
  XMAS_RETURN_IF_ERROR(xmas::data::WriteSubset(dataset, chosen, options.out));
  xmas::log::Info("wrote ", chosen.size(), " of ", dataset.size(), " records to ", options.out);
  return xmas::Status::Ok();
}

void AddSubset(CLI::App& app) {
  CLI::App* group = xmas::cli::GetOrAddGroup(app, "data", "Inspect, check and subset LLaVA-format datasets");
  auto* cmd = group->add_subcommand(
      "subset", "Write the chosen records, in their original order and byte for byte, as a JSON array");
  auto options = std::make_shared<Options>();
  cmd->add_option("DATA", options->data, "Dataset file: JSON array or JSON Lines, LLaVA or messages records")->required();
  auto* ids = cmd->add_option("--ids", options->ids, "File with one record id per line (every record with it)");
  auto* indices = cmd->add_option("--indices", options->indices, "File with one 0-based record index per line");
  ids->excludes(indices);
  cmd->add_option("-o,--out", options->out, "Output JSON file (written atomically)")->required();
  xmas::cli::SetAction(cmd, [options] { return Run(*options); });
}
XMAS_COMMAND("data subset", AddSubset);

}  // namespace
