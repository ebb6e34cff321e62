// Fuzzes the .npy reader: any bytes must give an array whose data size
// matches its shape, or a clean error; never a crash or a huge allocation.
#include <cstdlib>
#include <string>

#include "fuzz_target.h"
#include "xmas/util/npy.h"

XMAS_FUZZ_TARGET(npy) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto array = xmas::DecodeNpy(bytes, "fuzz.npy");
  if (array.ok()) {
    const size_t want = static_cast<size_t>(array->rows()) * static_cast<size_t>(array->cols()) *
                        xmas::NpyTypeSize(array->type);
    if (array->data.size() != want) std::abort();
  }
  return 0;
}
