#include "xmas/dist/collectives.h"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

namespace xmas::dist {
namespace {

// One c10d call on a single tensor, errors as Status.
template <typename F>
Status Run(const char* what, F&& f) {
  try {
    f();
    return Status::Ok();
  } catch (const c10::Error& e) {
    return Status::IoError(std::string("distributed ") + what + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Status::IoError(std::string("distributed ") + what + ": " + e.what());
  }
}

torch::Tensor Flatten(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> flat;
  flat.reserve(tensors.size());
  for (const auto& t : tensors) flat.push_back(t.reshape({-1}));
  return torch::cat(flat);
}

void Unflatten(const torch::Tensor& flat, const std::vector<torch::Tensor>& tensors) {
  int64_t offset = 0;
  for (const auto& t : tensors) {
    t.copy_(flat.slice(0, offset, offset + t.numel()).view_as(t));
    offset += t.numel();
  }
}

Status AllReduceFlat(World& world, const std::vector<torch::Tensor>& tensors, const char* what) {
  if (tensors.empty()) return Status::Ok();
  torch::NoGradGuard no_grad;
  return Run(what, [&] {
    std::vector<torch::Tensor> buffer{Flatten(tensors)};
    world.group()->allreduce(buffer)->wait();
    Unflatten(buffer[0], tensors);
  });
}

}  // namespace

Status AllReduceGradients(World& world, const std::vector<torch::Tensor>& params) {
  if (world.size() == 1) return Status::Ok();
  std::vector<torch::Tensor> grads;
  grads.reserve(params.size());
  for (const auto& p : params) {
    torch::Tensor param = p;  // a handle: its grad is the parameter's
    auto& g = param.mutable_grad();
    if (!g.defined()) g = torch::zeros_like(p);
    grads.push_back(g);
  }
  return AllReduceFlat(world, grads, "gradient all-reduce");
}

Status BroadcastTensors(World& world, const std::vector<torch::Tensor>& tensors, int root) {
  if (world.size() == 1 || tensors.empty()) return Status::Ok();
  torch::NoGradGuard no_grad;
  return Run("broadcast", [&] {
    std::vector<torch::Tensor> buffer{Flatten(tensors)};
    ::c10d::BroadcastOptions opts;
    opts.rootRank = root;
    world.group()->broadcast(buffer, opts)->wait();
    Unflatten(buffer[0], tensors);
  });
}

Result<std::vector<double>> SumOverRanks(World& world, const std::vector<double>& values) {
  if (world.size() == 1 || values.empty()) return values;
  auto t = torch::tensor(values, torch::kFloat64);
  XMAS_RETURN_IF_ERROR(AllReduceFlat(world, {t}, "all-reduce"));
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

}  // namespace xmas::dist
