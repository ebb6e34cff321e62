// A selection budget: "20%" (B = floor(p·N/100), docs/method.md §2 step 6) or "5000".
#pragma once

#include <cstdint>
#include <string>

#include "xmas/util/status.h"

namespace xmas::select {

struct Budget {
  bool percent = false;
  // Percent as an exact decimal: numerator / 10^scale ("12.5%" → 125, 1).
  uint64_t numerator = 0;
  int scale = 0;
  uint64_t count = 0;  // when !percent
  std::string text;

  // Usage error for anything else, percentages above 100 included.
  static Result<Budget> Parse(const std::string& text);
  // Number of examples for a dataset of n (exact integer arithmetic; a
  // count above n is an error the caller reports).
  uint64_t Resolve(uint64_t n) const;
};

}  // namespace xmas::select
