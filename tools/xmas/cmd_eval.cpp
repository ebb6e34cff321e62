// `xmas eval`: score a trained checkpoint on benchmark files.
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/eval/evaluator.h"
#include "xmas/util/atomic_file.h"

namespace {

struct Options {
  std::string model, bench, tokenizer, output, device = "cpu";
  xmas::eval::EvalOptions eval;
};

xmas::Status Run(const Options& o) {
  if (!o.output.empty()) XMAS_RETURN_IF_ERROR(xmas::CheckOutputIsNotInput(o.output, {o.bench, o.model}));
  XMAS_ASSIGN_OR_RETURN(auto report,
                        xmas::eval::EvaluateCheckpoint(o.model, o.bench, o.tokenizer, o.device, o.eval));
  std::string json = xmas::eval::EvalReportToJson(report).dump(2) + "\n";
  if (o.output.empty()) {
    std::cout << json;
    return xmas::Status::Ok();
  }
  XMAS_RETURN_IF_ERROR(xmas::WriteFileAtomic(o.output, json));
  for (const auto& b : report.benchmarks) {
    std::printf("%-24s %-16s %6zu items  %6.2f\n", b.name.c_str(), b.metric.c_str(), b.count, b.score);
  }
  return xmas::Status::Ok();
}

void AddEval(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval", "Score a checkpoint on benchmark files (greedy decoding, per-benchmark metric)");
  auto o = std::make_shared<Options>();
  // One thread: with OpenMP, two threads on a busy 2-core machine are many times slower (BENCHMARKS.md).
  o->eval.threads = 1;
  cmd->add_option("--model", o->model, "Checkpoint directory (config.json + model.safetensors)")->required();
  cmd->add_option("--bench", o->bench, "A benchmark JSON file or a directory of them")->required();
  cmd->add_option("--tokenizer", o->tokenizer, "SentencePiece model (default: MODEL/tokenizer.model)");
  cmd->add_option("--images", o->eval.image_root,
                  "Image folder of the benchmark records (default: beside the files, or ../images)");
  cmd->add_option("-o,--output", o->output, "Write the scores JSON here (default: print it)");
  cmd->add_option("--predictions", o->eval.predictions_dir,
                  "Write <benchmark>.predictions.jsonl files into this directory");
  cmd->add_option("--metric", o->eval.default_metric,
                  "Metric of files that name none: exact_match, yes_no, yes_no_f1, multiple_choice, token_f1")
      ->capture_default_str();
  cmd->add_option("--max-new-tokens", o->eval.max_new_tokens, "Longest answer generated")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--batch-size", o->eval.batch_size, "Prompts collated per generation call")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--limit", o->eval.limit, "Only the first N items of each benchmark (0 = all)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--device", o->device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--threads", o->eval.threads, "Torch intra-op threads")->check(CLI::PositiveNumber)->capture_default_str();
  xmas::cli::SetAction(cmd, [o] { return Run(*o); });
}
XMAS_COMMAND("eval", AddEval);

}  // namespace
