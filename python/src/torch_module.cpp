// xmas._torch: the extractor's cross-modal singular values (traj/), the one
// binding that needs libtorch. A separate extension module so that
// `import xmas` does not load libtorch (0.6 s, 165 MB); xmas imports it on
// the first call of cross_modal_singular_values.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "arrays.h"
#include "errors.h"
#include "xmas/traj/cross_modal.h"
#include "xmas/traj/singular_values.h"

namespace xmas::python {
namespace {

struct Span {
  int64_t image_begin, image_end, text_end;
};

torch::Tensor View(const FloatArray& a) {
  std::vector<int64_t> sizes(a.shape(), a.shape() + a.ndim());
  return torch::from_blob(const_cast<float*>(a.data()), sizes, torch::kFloat32);
}

// One layer's matrix; `q`, `k` are that layer's tensors.
torch::Tensor LayerMatrix(const torch::Tensor& q, const torch::Tensor& k, traj::CrossModalMode mode,
                          const Span& s, int64_t heads, int64_t kv_heads) {
  traj::ExampleSpan span;
  span.image_begin = s.image_begin;
  span.image_end = s.image_end;
  if (mode == traj::CrossModalMode::kAttention) {
    span.length = s.text_end;
    span.padded_length = q.size(1);
    return traj::AttentionCrossModal(q, k, span);
  }
  span.length = s.text_end;
  span.padded_length = s.text_end;
  return traj::OfficialCrossModal(q, k, heads, kv_heads, span);
}

// Layers stacked on a leading axis (or one layer): q/k must have 3 (attention)
// or 2 (official) dimensions per layer.
std::vector<torch::Tensor> Layers(const torch::Tensor& t, int64_t per_layer_dims, const char* what) {
  if (t.dim() == per_layer_dims) return {t};
  if (t.dim() == per_layer_dims + 1) return t.unbind(0);
  throw py::value_error(std::string(what) + ": expected " + std::to_string(per_layer_dims) + " dimensions (one layer) or " +
                        std::to_string(per_layer_dims + 1) + " (layers first), got " + std::to_string(t.dim()));
}

void CheckShapes(const torch::Tensor& q, const torch::Tensor& k, traj::CrossModalMode mode, const Span& s,
                 int64_t heads, int64_t kv_heads) {
  const bool attention = mode == traj::CrossModalMode::kAttention;
  const int64_t positions = attention ? q.size(1) : q.size(0);
  const int64_t k_positions = attention ? k.size(1) : k.size(0);
  if (k_positions != positions) throw py::value_error("q and k: different numbers of positions");
  if (!(0 <= s.image_begin && s.image_begin < s.image_end && s.image_end <= s.text_end && s.text_end <= positions)) {
    throw py::value_error("spans: need 0 <= image_begin < image_end = text_begin <= text_end <= positions (" +
                          std::to_string(positions) + ")");
  }
  if (attention && (k.size(0) == 0 || q.size(0) % k.size(0) != 0 || q.size(2) != k.size(2))) {
    throw py::value_error("attention mode: q [H, L, d] and k [Hkv, L, d] with H a multiple of Hkv");
  }
  if (!attention && (heads <= 0 || kv_heads <= 0 || heads % kv_heads != 0 || q.size(1) % heads != 0 ||
                     k.size(1) * heads != q.size(1) * kv_heads)) {
    throw py::value_error("official mode: q [L, H*d] and k [L, Hkv*d] with num_heads H a multiple of num_kv_heads Hkv");
  }
}

std::optional<std::vector<double>> SingularValues(const FloatArray& q_array, const FloatArray& k_array,
                                                  std::pair<int64_t, int64_t> text_span,
                                                  std::pair<int64_t, int64_t> image_span, const std::string& mode_name,
                                                  int64_t top_k, int64_t heads, int64_t kv_heads,
                                                  const std::string& combine, const std::string& svd, uint64_t seed) {
  const traj::CrossModalMode mode = Unwrap(traj::ParseCrossModalMode(mode_name));
  const traj::SvdMethod method = Unwrap(traj::ParseSvdMethod(svd));
  if (combine != "sum" && combine != "mean") throw py::value_error("combine: expected 'sum' or 'mean'");
  if (top_k <= 0) throw py::value_error("top_k: expected a positive count");
  if (text_span.first != image_span.second) {
    throw py::value_error("text_span: the extractor's rows are every text position right after the image "
                          "block, so text_span[0] must equal image_span[1]");
  }
  const Span s{image_span.first, image_span.second, text_span.second};
  const int64_t per_layer = mode == traj::CrossModalMode::kAttention ? 3 : 2;
  const torch::Tensor q_all = View(q_array), k_all = View(k_array);
  const std::vector<torch::Tensor> qs = Layers(q_all, per_layer, "q"), ks = Layers(k_all, per_layer, "k");
  if (qs.size() != ks.size()) throw py::value_error("q and k: different numbers of layers");
  for (size_t l = 0; l < qs.size(); ++l) CheckShapes(qs[l], ks[l], mode, s, heads, kv_heads);
  if (s.text_end <= s.image_end) return std::nullopt;  // no text after the image: no value (as the extractor)
  py::gil_scoped_release release;
  torch::NoGradGuard no_grad;
  torch::Tensor sum;
  for (size_t l = 0; l < qs.size(); ++l) {
    torch::Tensor m = LayerMatrix(qs[l], ks[l], mode, s, heads, kv_heads);
    sum = sum.defined() ? sum + m : m;
  }
  if (combine == "mean") sum = sum / double(qs.size());
  return traj::TopSingularValues(sum, top_k, method, seed);
}

}  // namespace
}  // namespace xmas::python

PYBIND11_MODULE(_torch, m) {
  namespace py = pybind11;
  m.doc() = "xmas extractor functions on libtorch; use xmas.cross_modal_singular_values.";
  xmas::python::RegisterErrors();
  xmas::python::BindLogLevel(m);
  m.def("cross_modal_singular_values", &xmas::python::SingularValues, py::arg("q"), py::arg("k"),
        py::arg("text_span"), py::arg("image_span"), py::arg("mode"), py::arg("top_k"), py::arg("num_heads"),
        py::arg("num_kv_heads"), py::arg("combine"), py::arg("svd"), py::arg("seed"),
        "Low-level entry of xmas.cross_modal_singular_values (use that).");
}
