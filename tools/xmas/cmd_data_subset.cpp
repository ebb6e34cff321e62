// `xmas data subset DATA (--ids FILE | --indices FILE) -o OUT [--indices-out F] [--ids-out F]`:
// chosen records, byte for byte, in the input's container (JSON array or JSON Lines).
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
  std::string indices_out;
  std::string ids_out;
};

xmas::Status Run(const Options& options) {
  if (options.ids.empty() == options.indices.empty()) {
    return xmas::Status::Usage("data subset: give exactly one of --ids FILE or --indices FILE");
  }
  const std::string& list = options.ids.empty() ? options.indices : options.ids;
  for (const std::string* out : {&options.out, &options.indices_out, &options.ids_out}) {
    if (!out->empty()) XMAS_RETURN_IF_ERROR(xmas::CheckOutputIsNotInput(*out, {options.data, list}));
  }
  xmas::data::LoadOptions load;
  load.collect_record_problems = true;  // records are copied, not interpreted
  load.max_images = 0;
  XMAS_ASSIGN_OR_RETURN(auto dataset, xmas::data::Dataset::Load(options.data, load));
  XMAS_ASSIGN_OR_RETURN(auto chosen, options.ids.empty() ? xmas::data::ReadIndexList(list, dataset)
                                                         : xmas::data::ReadIdList(list, dataset));
  XMAS_RETURN_IF_ERROR(xmas::data::WriteSubset(dataset, chosen, options.out));
  if (!options.indices_out.empty()) XMAS_RETURN_IF_ERROR(xmas::data::WriteIndexList(options.indices_out, chosen));
  if (!options.ids_out.empty()) {
    std::vector<std::string> ids;
    for (size_t i : chosen) ids.push_back(dataset[i].id);
    XMAS_RETURN_IF_ERROR(xmas::data::WriteIdList(options.ids_out, ids));
  }
  xmas::log::Info("wrote ", chosen.size(), " of ", dataset.size(), " records to ", options.out);
  return xmas::Status::Ok();
}

void AddSubset(CLI::App& app) {
  CLI::App* group = xmas::cli::GetOrAddGroup(app, "data");
  auto* cmd = group->add_subcommand(
      "subset", "Write the chosen records, in their original order and byte for byte, as the input is laid out "
                "(a JSON array, or JSON Lines)");
  auto options = std::make_shared<Options>();
  xmas::cli::AddDatasetArgument(cmd, &options->data);
  auto* ids = cmd->add_option("--ids", options->ids, "File with one record id per line (every record with it)");
  auto* indices = cmd->add_option("--indices", options->indices,
                                  "0-based record indices: F.npy (1-D int64/int32) or a text file, one per line");
  ids->excludes(indices);
  cmd->add_option("-o,--out", options->out, "Output dataset file (written atomically)")->required();
  cmd->add_option("--indices-out", options->indices_out,
                  "Also write the chosen 0-based indices in file order: F.npy (int64) or F.txt (one per line)");
  cmd->add_option("--ids-out", options->ids_out, "Also write the chosen records' ids, one per line, in file order");
  xmas::cli::SetAction(cmd, [options] { return Run(*options); });
}
XMAS_COMMAND("data subset", AddSubset);

}  // namespace
