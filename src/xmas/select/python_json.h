// Byte-exact imitation of Python's json.dump(obj, f, indent=N) (with the
// defaults ensure_ascii=True, separators (',', ': ')), for the files the
// authors' scripts write: the cluster and stability JSON, and a subset in
// their indent=4 layout (--official-format).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "xmas/util/status.h"

namespace xmas::select {

// repr(float): the shortest digits that round-trip, fixed notation for
// exponents in [-4, 16), otherwise "1.5e+16" style; NaN, Infinity, -Infinity.
std::string PythonFloatRepr(double value);

// A JSON string literal as json.dumps writes it: non-ASCII as \uXXXX
// (surrogate pairs above U+FFFF). Invalid UTF-8 bytes are written as
// U+FFFD escapes.
void AppendPythonString(std::string_view utf8, std::string* out);

// json.dumps(value, indent=indent) appended to *out, starting at nesting
// `depth` (for values inside an enclosing list). Key order is kept.
void AppendPythonJson(const nlohmann::ordered_json& value, int indent, int depth, std::string* out);

// Re-serialises one record's raw JSON bytes the way json.dump(..., indent=4)
// writes it as an element of the top-level list. `where` names it in errors.
Status AppendPythonRecord(std::string_view raw, const std::string& where, std::string* out);

}  // namespace xmas::select
