#include "xmas/train/checkpoint_io.h"

#include <filesystem>

#include "xmas/model/weights.h"
#include "xmas/train/checkpoint_dir.h"
#include "xmas/util/atomic_file.h"

namespace xmas::train {

Status SaveCheckpoint(const std::string& dir, const model::Model& model,
                      const torch::optim::Optimizer* optimizer, const TrainerState& state,
                      const std::string& tokenizer_path) {
  return WriteDirAtomic(dir, [&](const std::string& tmp) -> Status {
    XMAS_RETURN_IF_ERROR(model::SaveModel(model, tmp));
    if (optimizer != nullptr) {
      const std::string path = tmp + "/" + CheckpointFiles::kOptimizer;
      try {
        torch::save(*optimizer, path);
      } catch (const c10::Error& e) {
        return Status::IoError(path + ": cannot save the optimizer state: " + e.what_without_backtrace());
      }
    }
    if (!tokenizer_path.empty()) {
      XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(tokenizer_path));
      XMAS_RETURN_IF_ERROR(WriteFileAtomic(tmp + "/" + CheckpointFiles::kTokenizer, bytes));
    }
    // Last: its presence marks a complete checkpoint (ListCheckpoints).
    return WriteTrainerState(tmp + "/" + CheckpointFiles::kState, state);
  });
}

Result<TrainerState> RestoreCheckpoint(const std::string& dir, model::Model& model,
                                       torch::optim::Optimizer& optimizer) {
  XMAS_ASSIGN_OR_RETURN(TrainerState state, ReadTrainerState(dir + "/" + CheckpointFiles::kState));
  XMAS_ASSIGN_OR_RETURN(auto report, model::LoadWeights(model, dir));
  (void)report;
  const std::string path = dir + "/" + CheckpointFiles::kOptimizer;
  if (!std::filesystem::exists(path)) return Status::NotFound(path + ": no optimizer state to resume from");
  try {
    torch::load(optimizer, path);
  } catch (const c10::Error& e) {
    return Status::InvalidInput(path + ": cannot load the optimizer state: " + e.what_without_backtrace());
  }
  return state;
}

}  // namespace xmas::train
