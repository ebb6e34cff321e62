// Fuzzes the .npy reader: any bytes must give an array whose data size
// matches its shape, or a clean error; never a crash or a huge allocation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "xmas/util/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto array = xmas::DecodeNpy(bytes, "fuzz.npy");
  if (array.ok()) {
    const size_t want = static_cast<size_t>(array->rows()) * static_cast<size_t>(array->cols()) *
                        xmas::NpyTypeSize(array->type);
    if (array->data.size() != want) std::abort();
  }
  return 0;
}
