#include "xmas/train/threads.h"

#include <torch/torch.h>

#include <cstdlib>
#include <mutex>

namespace xmas::train {

void SetTorchThreads(int64_t intra_op) {
  static std::once_flag inter_op_once;
  std::call_once(inter_op_once, [] {
    try {
      torch::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // The pool already started (a caller used it first): keep its size.
    }
  });
  if (intra_op > 0) torch::set_num_threads(static_cast<int>(intra_op));
}

std::string ThreadSettings() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  return "intra-op threads " + std::to_string(torch::get_num_threads()) + ", inter-op threads " +
         std::to_string(torch::get_num_interop_threads()) + ", OMP_WAIT_POLICY=" +
         (policy != nullptr ? policy : "(unset: spin)");
}

}  // namespace xmas::train
