// `xmas train`: train the LLaVA proxy (pretrain or finetune stage). Under
// torchrun or srun it is data-parallel over the launched processes
// (docs/distributed.md).
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "command.h"
#include "xmas/dist/world.h"
#include "xmas/train/stage.h"
#include "xmas/train/train.h"

namespace {

struct Args {
  xmas::train::TrainOptions o;
  std::string on_error;
};

void AddInputs(CLI::App* cmd, Args& a) {
  auto& o = a.o;
  cmd->add_option("--data", o.data, "LLaVA-format JSON")->required();
  cmd->add_option("--image-folder", o.image_folder, "Folder the records' image paths are relative to");
  cmd->add_option("--config", o.config,
                  "Model preset (tiny, small, tinyllava, llava-1.5-7b) or config.json; default: --init's");
  cmd->add_option("--tokenizer", o.tokenizer,
                  "SentencePiece .model; default: --init's tokenizer.model, else one is trained on --data");
  cmd->add_option("--tokenizer-vocab", o.tokenizer_vocab,
                  "Pieces of a tokenizer trained on --data (default: the config's vocab_size - 1)");
  cmd->add_option("--init", o.init, "Checkpoint directory to start from (weights only)");
  cmd->add_option("--out", o.out, "Run directory (checkpoints, metrics.jsonl, final/)")->required();
  cmd->add_flag("--resume", o.resume, "Continue from the latest checkpoint in --out");
  cmd->add_flag("--overwrite", o.overwrite, "Delete an earlier run's outputs in --out first");
  xmas::cli::AddOnErrorOption(cmd, &a.on_error);
}

// "pretrain 0.001, finetune 2e-05": each stage's default, from the stage table.
std::string StageLearningRates() {
  std::ostringstream out;
  for (const xmas::train::Stage& stage : xmas::train::Stages()) {
    out << (out.tellp() > 0 ? ", " : "") << stage.name << " " << stage.learning_rate;
  }
  return out.str();
}

void AddRecipe(CLI::App* cmd, Args& a) {
  auto& o = a.o;
  cmd->add_option("--stage", o.stage,
                  "pretrain: connector on captions (plain template); finetune: connector + LLM (llava_v1)")
      ->check(CLI::IsMember(xmas::train::StageNames()))
      ->capture_default_str();
  cmd->add_option("--trainable", o.trainable, "Override the trained parts: comma list of vision,connector,llm");
  cmd->add_option("--template", o.template_name, "Override the chat template: plain or llava_v1");
  cmd->add_option("--lr", o.learning_rate, "Peak learning rate (default by stage: " + StageLearningRates() + ")");
  cmd->add_option("--weight-decay", o.weight_decay, "AdamW weight decay")->capture_default_str();
  cmd->add_option("--warmup-ratio", o.warmup_ratio, "Linear warmup share of the steps")->capture_default_str();
  cmd->add_option("--max-grad-norm", o.max_grad_norm, "Gradient clipping (0: off)")->capture_default_str();
  cmd->add_option("--batch-size", o.batch_size,
                  "Examples per forward pass of each process (global batch: x processes x --grad-accum)")
      ->capture_default_str();
  cmd->add_option("--grad-accum", o.grad_accum, "Forward passes per optimizer step")->capture_default_str();
  auto* epochs = cmd->add_option("--epochs", o.epochs, "Passes over the data")->capture_default_str();
  cmd->add_option("--max-steps", o.max_steps, "Optimizer steps (instead of --epochs)")->excludes(epochs);
  cmd->add_option("--max-length", o.max_length, "Tokens per example (default: the config's max positions)");
  cmd->add_flag("!--no-group-by-modality", o.group_by_modality,
                "Mix image and text-only examples in batches, no length grouping");
  cmd->add_option("--seed", o.seed, "Data order and initialisation seed")->capture_default_str();
}

void AddRuntime(CLI::App* cmd, Args& a) {
  auto& o = a.o;
  cmd->add_option("--save-every", o.save_every, "Write checkpoint-<step> every N steps (0: none)")
      ->capture_default_str();
  xmas::cli::AddComputeOptions(cmd, {&o.device, &o.dtype, &o.threads,
                                     "CPU threads of one operator (libtorch intra-op + OpenBLAS; inter-op is "
                                     "always 1; see docs/performance.md)"});
  cmd->add_option("--stop-after", o.stop_after_steps,
                  "Stop after N steps of this invocation, as if interrupted (for testing --resume)");
}

// A run that fails before its first checkpoint (bad input, a hostile --init,
// ...) leaves --out as it found it: removed (with the parents it created) if
// this run created it, emptied if it was empty, so the corrected command is
// not refused as "not empty".
// An earlier run's folder (--resume, --overwrite) is left alone, and so is a
// run that saved a checkpoint: --resume continues it.
class RunDirCleanup {
 public:
  explicit RunDirCleanup(const std::string& dir) : dir_(dir) {
    std::error_code ec;
    // The topmost folder this run would create (--out's missing parents too).
    for (auto p = std::filesystem::absolute(dir, ec); !ec && !p.empty() && !std::filesystem::exists(p, ec) && !ec;
         p = p.parent_path()) {
      created_top_ = p;
    }
    was_empty_ = created_top_.empty() && std::filesystem::is_directory(dir, ec) && std::filesystem::is_empty(dir, ec);
  }
  void Fail() const {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
      if (e.path().filename().string().rfind("checkpoint-", 0) == 0) return;
    }
    if (!created_top_.empty()) {
      std::filesystem::remove_all(created_top_, ec);
    } else if (was_empty_) {
      for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) std::filesystem::remove_all(e.path(), ec);
    }
  }

 private:
  std::string dir_;
  std::filesystem::path created_top_;  // empty: --out existed
  bool was_empty_ = false;
};

void AddTrain(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train the LLaVA proxy model (pretrain or finetune stage)");
  auto args = std::make_shared<Args>();
  AddInputs(cmd, *args);
  AddRecipe(cmd, *args);
  AddRuntime(cmd, *args);
  xmas::cli::SetAction(cmd, [args] {
    args->o.skip_bad_records = args->on_error == "skip";
    XMAS_ASSIGN_OR_RETURN(args->o.world, xmas::dist::JoinFromEnv());
    xmas::dist::QuietUnlessMain(*args->o.world);
    const RunDirCleanup cleanup(args->o.out);
    xmas::Status status = xmas::train::Train(args->o);
    if (!status.ok() && args->o.world->is_main()) cleanup.Fail();
    return status;
  });
}
XMAS_COMMAND("train", AddTrain);

}  // namespace
