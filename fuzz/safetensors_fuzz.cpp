// Fuzzes the safetensors reader (xmas/model/safetensors.h; the reader is
// torch-free, so the fuzz build compiles safetensors.cpp alone). The input
// is the file. Contract checked: every tensor accepted lies inside the file,
// has dtype size x shape bytes, does not overlap the next one, and reads.
#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz_target.h"
#include "fuzz_util.h"
#include "xmas/model/safetensors.h"

XMAS_FUZZ_TARGET(safetensors) {
  auto& dir = xmas::fuzz::ScratchDir::Get();
  const std::string path = dir.Fresh() + "/model.safetensors";
  dir.Write("model.safetensors", std::string_view(reinterpret_cast<const char*>(data), size));
  xmas::model::SafetensorsReader reader;
  if (!reader.Open(path, /*max_header_bytes=*/1 << 16).ok()) return 0;
  const auto& h = reader.header();
  uint64_t end = 0;
  for (const auto& t : h.tensors) {
    if (t.offset < end || t.offset > h.file_size || t.nbytes > h.file_size - t.offset) std::abort();
    end = t.offset + t.nbytes;
    const int64_t numel = t.numel();
    if (numel < 0 || static_cast<uint64_t>(numel) * xmas::model::SafetensorsDtypeSize(t.dtype) != t.nbytes) {
      std::abort();
    }
    if (h.Find(t.name) == nullptr) std::abort();
    std::vector<char> bytes(t.nbytes);
    if (!reader.Read(t, bytes.data()).ok()) std::abort();
  }
  return 0;
}
