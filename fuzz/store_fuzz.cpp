// Fuzzes the trajectory/feature store reader (xmas/store/store.h). The input
// packs files joined by fuzz_util.h's separator: manifest.json, ids.txt,
// valid.npy, then f0.npy, f1.npy, ... (what a manifest may point at).
// Contract checked: Open fails cleanly or every feature it lists reads or
// fails cleanly, and what reads has the manifest's shape and finite values.
#include <cmath>
#include <cstdlib>
#include <string>

#include "fuzz_target.h"
#include "fuzz_util.h"
#include "xmas/store/store.h"

namespace {

void CheckMatrix(const xmas::store::Store& store, const xmas::store::FeatureInfo& info,
                 const xmas::Result<xmas::store::FeatureMatrix>& m) {
  if (!m.ok()) return;
  const size_t cols = info.cols < 0 ? 1 : static_cast<size_t>(info.cols);
  if (m->rows != store.size() || m->cols != cols || m->values.size() != m->rows * m->cols) std::abort();
  for (float v : m->values) {
    if (!std::isfinite(v)) std::abort();
  }
}

}  // namespace

XMAS_FUZZ_TARGET(store) {
  auto parts = xmas::fuzz::SplitParts(data, size);
  auto& dir = xmas::fuzz::ScratchDir::Get();
  const std::string path = dir.Fresh();
  const char* names[] = {"manifest.json", "ids.txt", "valid.npy"};
  for (size_t i = 0; i < parts.size() && i < 16; ++i) {
    dir.Write(i < 3 ? names[i] : "f" + std::to_string(i - 3) + ".npy", parts[i]);
  }
  (void)xmas::store::Store::IsStore(path);
  auto store = xmas::store::Store::Open(path);
  if (!store.ok()) return 0;
  if (store->valid().size() != store->size()) std::abort();
  size_t id_bytes = 0;
  for (size_t row = 0; row < store->size(); ++row) id_bytes += store->id(row).size();
  (void)id_bytes;
  for (const char* name : {"svd", "loss", "el2n", "nll", "embed", "image_embed", "text_embed", "x"}) {
    auto info = store->Info(name);
    if (!info.ok()) continue;
    if (info->per_checkpoint) {
      auto steps = store->Steps(name);
      if (!steps.ok()) std::abort();
      for (int64_t step : *steps) CheckMatrix(*store, *info, store->ReadCheckpoint(name, step));
    } else {
      CheckMatrix(*store, *info, store->ReadStatic(name));
    }
  }
  return 0;
}
