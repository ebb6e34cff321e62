#include "xmas/select/budget.h"

#include <cctype>

namespace xmas::select {

Result<Budget> Budget::Parse(const std::string& text) {
  Budget b;
  b.text = text;
  std::string s = text;
  auto bad = [&] {
    return Status::Usage("--budget '" + text + "': expected a percentage like 20% or a count like 5000");
  };
  if (!s.empty() && s.back() == '%') {
    b.percent = true;
    s.pop_back();
  }
  if (s.empty() || s.size() > 18) return bad();
  bool dot = false;
  for (char c : s) {
    if (c == '.' && b.percent && !dot) {
      dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
    if (dot) ++b.scale;
  }
  if (s == "." || s.back() == '.') return bad();
  uint64_t value = 0;
  for (char c : s) {
    if (c != '.') value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (b.percent) {
    b.numerator = value;
    uint64_t hundred = 100;
    for (int i = 0; i < b.scale; ++i) hundred *= 10;
    if (value > hundred) return Status::Usage("--budget '" + text + "': above 100%");
  } else {
    b.count = value;
  }
  return b;
}

uint64_t Budget::Resolve(uint64_t n) const {
  if (!percent) return count;
  unsigned __int128 denom = 100;
  for (int i = 0; i < scale; ++i) denom *= 10;
  return static_cast<uint64_t>(static_cast<unsigned __int128>(numerator) * n / denom);
}

}  // namespace xmas::select
