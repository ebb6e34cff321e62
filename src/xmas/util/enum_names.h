// One table per enum: its values and their names, read both ways.
//
//   constexpr EnumName<Within> kWithinNames[] = {
//       {Within::kStability, "stability"}, {Within::kRandom, "random"}};
//   XMAS_ASSIGN_OR_RETURN(Within w, ParseEnum(kWithinNames, text, "--within"));
//   const char* name = NameOf(kWithinNames, w);          // "stability"
//   cmd->check(CLI::IsMember(EnumNames(kWithinNames)));   // {"stability", "random"}
//
// The first row of a value is its name; later rows of the same value are
// aliases that parse but are never printed nor listed ({kFloat32, "float32"},
// {kFloat32, "fp32"}).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/util/status.h"

namespace xmas {

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

// The names (aliases left out), in table order.
template <typename E, size_t N>
std::vector<std::string> EnumNames(const EnumName<E> (&table)[N]) {
  std::vector<std::string> names;
  for (size_t i = 0; i < N; ++i) {
    bool alias = false;
    for (size_t j = 0; j < i; ++j) alias = alias || table[j].value == table[i].value;
    if (!alias) names.emplace_back(table[i].name);
  }
  return names;
}

// "a, b or c".
std::string JoinAlternatives(const std::vector<std::string>& names);

// The value called `name` (a name or an alias); otherwise a usage error
// "unknown <what> '<name>' (expected a, b or c)".
template <typename E, size_t N>
Result<E> ParseEnum(const EnumName<E> (&table)[N], std::string_view name, const std::string& what) {
  for (const auto& row : table) {
    if (name == row.name) return row.value;
  }
  return Status::Usage("unknown " + what + " '" + std::string(name) + "' (expected " +
                       JoinAlternatives(EnumNames(table)) + ")");
}

// The name of `value`; `fallback` for a value the table lacks.
template <typename E, size_t N>
const char* NameOf(const EnumName<E> (&table)[N], E value, const char* fallback = "unknown") {
  for (const auto& row : table) {
    if (row.value == value) return row.name;
  }
  return fallback;
}

}  // namespace xmas
