// `xmas data validate DATA [--image-folder DIR]`: every problem of every record.
#include <iostream>

#include "command.h"
#include "xmas/data/dataset.h"
#include "xmas/data/validate.h"

namespace {

struct Options {
  std::string data;
  xmas::data::ValidateOptions validate;
  bool header_only = false;
};

xmas::Status Run(const Options& options) {
  xmas::data::LoadOptions load;
  load.collect_record_problems = true;
  load.max_images = 0;  // records with several images are checked, not refused
  XMAS_ASSIGN_OR_RETURN(auto dataset, xmas::data::Dataset::Load(options.data, load));
  xmas::data::ValidateOptions validate = options.validate;
  validate.decode_images = !options.header_only;
  const auto report = xmas::data::ValidateDataset(dataset, validate);
  for (const auto& problem : report.problems) std::cout << problem.message << "\n";
  std::cout << options.data << " (" << dataset.format().Name() << "): " << report.Summary() << "\n";
  if (validate.image_folder.empty() && !report.ok()) {
    std::cout << "(image files not checked: pass --image-folder)\n";
  }
  if (!report.ok()) {
    return xmas::Status::InvalidInput(options.data + ": " + std::to_string(report.bad_records.size()) + " of " +
                                      std::to_string(report.num_records) + " records have problems");
  }
  return xmas::Status::Ok();
}

void AddValidate(CLI::App& app) {
  CLI::App* group = xmas::cli::GetOrAddGroup(app, "data");
  auto* cmd = group->add_subcommand(
      "validate",
      "Check every record: id, turns alternating human/gpt (user/assistant) from the first, one <image> per "
      "image and none in text-only records, image files present and decodable. Prints the detected format "
      "(json|jsonl, llava|messages) and every problem; exit 1 if any.");
  auto options = std::make_shared<Options>();
  xmas::cli::AddDatasetArgument(cmd, &options->data);
  cmd->add_option("--image-folder", options->validate.image_folder,
                  "Folder the records' image paths are relative to (without it, image files are not checked)");
  cmd->add_flag("--allow-outside-image-folder", options->validate.allow_outside_image_folder,
                "Allow image paths that are absolute, contain '..' or lead out of the image folder");
  cmd->add_flag("--header-only", options->header_only,
                "Read only each image's header (fast) instead of decoding it fully");
  cmd->add_option("--max-pixels", options->validate.image_limits.max_pixels,
                  "Refuse images with more pixels than this (checked before decoding)")
      ->capture_default_str();
  cmd->add_option("--threads", options->validate.threads, "Worker threads (0: one per core)")
      ->capture_default_str();
  xmas::cli::SetAction(cmd, [options] { return Run(*options); });
}
XMAS_COMMAND("data validate", AddValidate);

}  // namespace
