// `xmas demo-data`: write the embedded demo dataset (docs/demo-data.md).
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/demodata/demo_data.h"

namespace {

struct Args {
  xmas::demodata::DemoDataOptions options;
  std::string size = "small";
  std::string profile = "llava";
  bool size_given = false;
};

xmas::Status Run(Args args) {
  if (args.profile == "stress" && args.size_given) {
    return xmas::Status::Usage("demo-data: --size applies to --profile llava; stress has its own counts");
  }
  XMAS_ASSIGN_OR_RETURN(args.options.size,
                        xmas::demodata::ParseDemoSize(args.profile == "stress" ? "stress" : args.size));
  xmas::demodata::DemoDataSummary summary;
  XMAS_RETURN_IF_ERROR(xmas::demodata::GenerateDemoData(args.options, &summary));
  std::cout << args.options.out_dir << ": " << summary.train_records << " train, "
            << summary.pretrain_records << " pretrain, " << summary.bench_records << " benchmark records ("
            << summary.benchmarks << " benchmarks), " << summary.images << " images in "
            << summary.seconds << " s\n";
  return xmas::Status::Ok();
}

void AddDemoData(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo-data",
      "Write a LLaVA-format demo mixture (Fashion-MNIST, scenes, rendered text, text-only),\n"
      "pretrain captions and held-out benchmarks; deterministic for a seed");
  auto args = std::make_shared<Args>();
  cmd->add_option("-o,--out", args->options.out_dir, "Output directory")->required();
  cmd->add_option("--profile", args->profile,
                  "llava (LLaVA-665k-like mixture) or stress (imbalanced tasks, copy groups, paraphrases,\n"
                  ">10% wrong answers; 8k records); both write truth.json")
      ->check(CLI::IsMember({"llava", "stress"}))
      ->capture_default_str();
  cmd->add_option("--size", args->size, "llava profile: small (~5k records, seconds) or bench (~55k records)")
      ->check(CLI::IsMember({"small", "bench"}))
      ->each([args](const std::string&) { args->size_given = true; })
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Random seed")->capture_default_str();
  cmd->add_option("--image-size", args->options.image_size, "Image side in pixels")
      ->check(CLI::IsMember({32, 64}))
      ->capture_default_str();
  cmd->add_option("--fashion-mnist", args->options.fashion_mnist_dir,
                  "Directory of the Fashion-MNIST .gz files (Debian package dataset-fashion-mnist)")
      ->capture_default_str();
  cmd->add_option("--font", args->options.font_path, "TrueType font for the rendered text")
      ->capture_default_str();
  cmd->add_flag("--overwrite", args->options.overwrite,
                "Replace DIR if it holds an earlier demo-data output");
  xmas::cli::SetAction(cmd, [args] { return Run(*args); });
}
XMAS_COMMAND("demo-data", AddDemoData);

}  // namespace
