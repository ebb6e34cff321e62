#include "xmas/train/trainer_state.h"

#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "xmas/util/atomic_file.h"

namespace xmas::train {

Status WriteTrainerState(const std::string& path, const TrainerState& s) {
  nlohmann::json j = {
      {"global_step", s.global_step}, {"epoch", s.epoch},
      {"batch_in_epoch", s.batch_in_epoch}, {"samples_in_epoch", s.samples_in_epoch},
      {"tokens", s.tokens}, {"world_size", s.world_size},
      {"seconds", s.seconds}, {"last_loss", s.last_loss},
      {"total_steps", s.total_steps}, {"warmup_steps", s.warmup_steps},
      {"learning_rate", s.learning_rate}, {"seed", s.seed},
      {"batch_size", s.batch_size}, {"grad_accum", s.grad_accum},
      {"num_examples", s.num_examples}, {"stage", s.stage},
      {"trainable", s.trainable}, {"schedule", "cosine_with_warmup"}};
  return WriteFileAtomic(path, j.dump(2) + "\n");
}

Result<TrainerState> ReadTrainerState(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput(path + ": not a JSON object");
  TrainerState s;
  const char* field = "";
  try {
    auto get = [&](const char* name, auto* out) {
      field = name;
      *out = j.at(name).get<std::remove_pointer_t<decltype(out)>>();
    };
    get("global_step", &s.global_step);
    get("epoch", &s.epoch);
    get("batch_in_epoch", &s.batch_in_epoch);
    get("tokens", &s.tokens);
    get("seconds", &s.seconds);
    get("last_loss", &s.last_loss);
    get("total_steps", &s.total_steps);
    get("warmup_steps", &s.warmup_steps);
    get("learning_rate", &s.learning_rate);
    get("seed", &s.seed);
    get("batch_size", &s.batch_size);
    get("grad_accum", &s.grad_accum);
    get("num_examples", &s.num_examples);
    get("stage", &s.stage);
    get("trainable", &s.trainable);
    // Absent in checkpoints written before data parallelism: keep the defaults.
    if (j.contains("samples_in_epoch")) get("samples_in_epoch", &s.samples_in_epoch);
    if (j.contains("world_size")) get("world_size", &s.world_size);
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidInput(path + ": field '" + field + "': missing or of the wrong type");
  }
  return s;
}

namespace {
template <typename T>
Status Differs(const std::string& checkpoint, const char* field, const T& saved, const T& wanted) {
  std::ostringstream msg;
  msg << checkpoint << ": field '" << field << "': the checkpoint has " << saved
      << " but this run asks for " << wanted << " (resume needs the same settings)";
  return Status::Usage(msg.str());
}
}  // namespace

Status CheckCompatible(const TrainerState& a, const TrainerState& b, const std::string& where) {
#define XMAS_SAME(f) \
  if (a.f != b.f) return Differs(where, #f, a.f, b.f)
  XMAS_SAME(total_steps);
  XMAS_SAME(warmup_steps);
  XMAS_SAME(learning_rate);
  XMAS_SAME(seed);
  if (a.batch_size != b.batch_size) {
    return Status::Usage(Differs(where, "batch_size", a.batch_size, b.batch_size).message() +
                         "; batch_size is --batch-size x the number of processes");
  }
  XMAS_SAME(grad_accum);
  XMAS_SAME(num_examples);
  XMAS_SAME(stage);
  XMAS_SAME(trainable);
#undef XMAS_SAME
  return Status::Ok();
}

}  // namespace xmas::train
