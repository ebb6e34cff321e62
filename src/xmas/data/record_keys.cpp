// Record keys and names: unique_idx (docs/method.md §3), the source name, error prefixes.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "xmas/data/dataset_internal.h"
#include "xmas/data/key_index.h"

namespace xmas::data {
namespace {

// Python's repr() of a finite double: the shortest digits that round-trip;
// fixed notation for decimal exponents -4..15, else "d.ddde+XX".
std::string PythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision - 1, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  // buf is "[-]d[.ddd]e[+-]XX": split into sign, digits and exponent.
  std::string text(buf);
  const bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  const size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string digits = text.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exponent + 1) {
      out = digits + std::string(static_cast<size_t>(exponent + 1) - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<size_t>(exponent) + 1) + "." +
            digits.substr(static_cast<size_t>(exponent) + 1);
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof(exp), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  }
  return negative ? "-" + out : out;
}

// Python's repr() of a str (image paths): quotes, backslashes and control
// characters escaped as Python does; other characters kept (Python also
// escapes the rarer non-printable Unicode characters beyond U+00AD).
std::string PythonStrRepr(const std::string& text) {
  const bool has_single = text.find('\'') != std::string::npos;
  const char quote = has_single && text.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  char hex[8];
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    } else if (c == 0xc2 && ((next >= 0x80 && next <= 0xa0) || next == 0xad)) {  // U+0080..U+00A0, U+00AD
      std::snprintf(hex, sizeof(hex), "\\x%02x", next);
      out += hex;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + quote;
}

bool IsKnownLlavaSource(const std::string& name) {
  return name == "coco" || name == "vg" || name == "gqa" || name == "ocr_vqa" || name == "textvqa" ||
         name == "sharegpt";
}

}  // namespace

std::string PythonNumberStr(std::string_view json_number) {
  if (json_number.find_first_of(".eE") == std::string_view::npos) {
    // A JSON integer: Python's int keeps every digit; only "-0" changes.
    if (json_number.find_first_not_of("-0") == std::string_view::npos) return "0";
    return std::string(json_number);
  }
  return PythonFloatRepr(std::strtod(std::string(json_number).c_str(), nullptr));
}

std::string PythonListText(const std::string* first, const std::vector<std::string>& rest) {
  std::string out = "[";
  if (first != nullptr) out += PythonStrRepr(*first);
  for (const std::string& more : rest) out += (out.size() > 1 ? ", " : "") + PythonStrRepr(more);
  return out + "]";
}

std::string PythonImageText(const Record& record) {
  if (!record.image_is_list) return record.image;
  return PythonListText(record.has_image() ? &record.image : nullptr, record.more_images);
}

void AssignUniqueIdx(std::vector<Record>* records) {
  // Pass 1 stores every base key in place and finds the repeats; the map
  // views the records' strings, so nothing is modified until pass 2.
  std::vector<std::pair<size_t, size_t>> repeats;  // (record, its "#n")
  {
    KeyIndex seen;
    seen.Reset(records->size());
    std::vector<size_t> counts(records->size(), 0);  // per first occurrence
    auto key_of = [records](size_t i) { return std::string_view((*records)[i].unique_idx); };
    for (size_t i = 0; i < records->size(); ++i) {
      Record& record = (*records)[i];
      record.unique_idx = record.id_is_number ? PythonNumberStr(record.id) : record.id;
      if (record.has_image()) record.unique_idx.append("::").append(PythonImageText(record));
      const size_t first = seen.Insert(record.unique_idx, i, key_of);
      if (first == KeyIndex::kNone) {
        counts[i] = 1;
      } else {
        repeats.emplace_back(i, counts[first]++);
      }
    }
    for (size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] > 1) repeats.emplace_back(i, 0);
    }
  }
  // Pass 2: the first occurrence of a repeated key becomes "#0", later ones
  // "#1", "#2", ... in file order.
  for (const auto& [index, n] : repeats) (*records)[index].unique_idx += "#" + std::to_string(n);
}

std::string SourceOf(const std::string& image, const std::string* task_name) {
  if (task_name != nullptr) return *task_name;
  if (image.empty()) return "text-only";
  std::string first = image.substr(0, image.find('/'));
  // The authors' code files unknown top folders that start with a digit
  // (bare COCO file names) under "coco".
  if (!IsKnownLlavaSource(first) && !first.empty() && first[0] >= '0' && first[0] <= '9') return "coco";
  return first;
}

std::string RecordWhere(const std::string& file, const Record& record) {
  return file + ": record " + std::to_string(record.index) + " (id '" + record.id + "')";
}

std::string LineColumn(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

const char* JsonTypeName(simdjson::ondemand::json_type type) {
  using T = simdjson::ondemand::json_type;
  switch (type) {
    case T::array: return "an array";
    case T::object: return "an object";
    case T::number: return "a number";
    case T::string: return "a string";
    case T::boolean: return "a boolean";
    case T::null: return "null";
  }
  return "an unknown value";
}

}  // namespace xmas::data
