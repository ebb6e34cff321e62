// XMAS_FUZZ_TARGET(name) { ... } defines one fuzz harness body. In the fuzz
// build (scripts/fuzz.sh) it becomes libFuzzer's LLVMFuzzerTestOneInput; in
// the test build (XMAS_FUZZ_REPLAY, tests/reliability) it registers the same
// body under `name`, so tests replay tests/fixtures/fuzz-regressions/<name>/
// through exactly the code the fuzzer ran. A harness calls std::abort() when
// a reader breaks its contract (the fuzzer and the test both see a crash).
#pragma once

#include <cstddef>
#include <cstdint>

#ifdef XMAS_FUZZ_REPLAY
#include <map>
#include <string>

namespace xmas::fuzz {
using Harness = int (*)(const uint8_t* data, size_t size);
// Every harness linked into the program, by target name.
inline std::map<std::string, Harness>& Harnesses() {
  static std::map<std::string, Harness> all;
  return all;
}
inline bool RegisterHarness(const char* name, Harness fn) {
  Harnesses()[name] = fn;
  return true;
}
}  // namespace xmas::fuzz

#define XMAS_FUZZ_TARGET(name)                                                      \
  static int XmasFuzz_##name(const uint8_t* data, size_t size);                     \
  [[maybe_unused]] static const bool xmas_fuzz_registered_##name =                  \
      ::xmas::fuzz::RegisterHarness(#name, XmasFuzz_##name);                        \
  static int XmasFuzz_##name(const uint8_t* data, size_t size)
#else
#define XMAS_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
#endif
