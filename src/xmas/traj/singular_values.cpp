#include "xmas/traj/singular_values.h"
#include "xmas/util/enum_names.h"

#include <algorithm>

namespace xmas::traj {

namespace {
constexpr EnumName<SvdMethod> kSvdNames[] = {{SvdMethod::kExact, "exact"}, {SvdMethod::kRandomized, "randomized"}};
}  // namespace

Result<SvdMethod> ParseSvdMethod(const std::string& name) { return ParseEnum(kSvdNames, name, "--svd"); }

const char* SvdMethodName(SvdMethod method) { return NameOf(kSvdNames, method); }

namespace {

// Orthonormal basis of the columns of x (reduced QR).
torch::Tensor Orthonormal(const torch::Tensor& x) {
  return std::get<0>(torch::linalg_qr(x, "reduced"));
}

// svd_lowrank's values for a tall-or-square a (m >= n), sketch width q.
torch::Tensor RandomizedValues(const torch::Tensor& a, int64_t q, uint64_t seed) {
  auto gen = torch::make_generator<torch::CPUGeneratorImpl>(seed);
  torch::Tensor omega = torch::randn({a.size(1), q}, gen, a.options());
  torch::Tensor basis = Orthonormal(torch::matmul(a, omega));
  for (int iteration = 0; iteration < 2; ++iteration) {
    basis = Orthonormal(torch::matmul(a.t(), basis));
    basis = Orthonormal(torch::matmul(a, basis));
  }
  return torch::linalg_svdvals(torch::matmul(basis.t(), a));
}

}  // namespace

std::vector<double> TopSingularValues(const torch::Tensor& matrix, int64_t k, SvdMethod method,
                                      uint64_t seed) {
  std::vector<double> out(static_cast<size_t>(std::max<int64_t>(k, 0)), 0.0);
  if (matrix.numel() == 0 || k <= 0) return out;
  torch::Tensor a = matrix.to(torch::kCPU, torch::kFloat64).contiguous();
  if (a.size(0) < a.size(1)) a = a.t().contiguous();  // same values; smaller work
  const int64_t rank = a.size(1);
  torch::Tensor values = method == SvdMethod::kExact || k >= rank
                             ? torch::linalg_svdvals(a)
                             : RandomizedValues(a, k, seed);
  values = values.contiguous();
  const double* v = values.data_ptr<double>();
  const int64_t n = std::min<int64_t>(k, values.numel());
  for (int64_t i = 0; i < n; ++i) out[i] = v[i];
  return out;
}

}  // namespace xmas::traj
