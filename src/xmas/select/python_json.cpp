#include "xmas/select/python_json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace xmas::select {

std::string PythonFloatRepr(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // "-d.ddde+XX"
  const size_t e = sci.find('e');
  const int exp10 = std::atoi(sci.c_str() + e + 1);
  std::string mant = sci.substr(0, e);
  const bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  std::string out = neg ? "-" : "";
  if (exp10 >= -4 && exp10 < 16) {
    if (exp10 < 0) {
      out += "0." + std::string(-exp10 - 1, '0') + digits;
    } else if (static_cast<size_t>(exp10) + 1 >= digits.size()) {
      out += digits + std::string(exp10 + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, exp10 + 1) + "." + digits.substr(exp10 + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char ebuf[32];
  std::snprintf(ebuf, sizeof(ebuf), "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
  return out + ebuf;
}

namespace {

void AppendEscape(unsigned cp, std::string* out) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "\\u%04x", cp);
  out->append(buf);
}

// Decodes one UTF-8 code point at s[*i]; returns 0xFFFD on malformed input.
unsigned DecodeUtf8(std::string_view s, size_t* i) {
  const unsigned char c = s[*i];
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (c >= 0x80 && c < 0xC0) len = 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  unsigned cp = len == 1 ? c : c & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    const unsigned char cc = s[*i + k];
    if ((cc & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  *i += len;
  return cp;
}

void Newline(int indent, int depth, std::string* out) {
  out->push_back('\n');
  out->append(static_cast<size_t>(indent) * depth, ' ');
}

}  // namespace

void AppendPythonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        default:
          if (c < 0x20 || c == 0x7F) {
            AppendEscape(c, out);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      continue;
    }
    unsigned cp = DecodeUtf8(s, &i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      AppendEscape(0xD800 | (cp >> 10), out);
      AppendEscape(0xDC00 | (cp & 0x3FF), out);
    } else {
      AppendEscape(cp, out);
    }
  }
  out->push_back('"');
}

void AppendPythonJson(const nlohmann::ordered_json& v, int indent, int depth, std::string* out) {
  using value_t = nlohmann::ordered_json::value_t;
  switch (v.type()) {
    case value_t::null: out->append("null"); return;
    case value_t::boolean: out->append(v.get<bool>() ? "true" : "false"); return;
    case value_t::number_integer: out->append(std::to_string(v.get<int64_t>())); return;
    case value_t::number_unsigned: out->append(std::to_string(v.get<uint64_t>())); return;
    case value_t::number_float: out->append(PythonFloatRepr(v.get<double>())); return;
    case value_t::string: AppendPythonString(v.get_ref<const std::string&>(), out); return;
    case value_t::array: {
      if (v.empty()) {
        out->append("[]");
        return;
      }
      out->push_back('[');
      bool first = true;
      for (const auto& item : v) {
        if (!first) out->push_back(',');
        first = false;
        Newline(indent, depth + 1, out);
        AppendPythonJson(item, indent, depth + 1, out);
      }
      Newline(indent, depth, out);
      out->push_back(']');
      return;
    }
    case value_t::object: {
      if (v.empty()) {
        out->append("{}");
        return;
      }
      out->push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        Newline(indent, depth + 1, out);
        AppendPythonString(key, out);
        out->append(": ");
        AppendPythonJson(item, indent, depth + 1, out);
      }
      Newline(indent, depth, out);
      out->push_back('}');
      return;
    }
    default: out->append("null"); return;
  }
}

Status AppendPythonRecord(std::string_view raw, const std::string& where, std::string* out) {
  auto parsed = nlohmann::ordered_json::parse(raw.begin(), raw.end(), nullptr, false);
  if (parsed.is_discarded()) return Status::InvalidInput(where + ": record is not valid JSON");
  AppendPythonJson(parsed, 4, 1, out);
  return Status::Ok();
}

}  // namespace xmas::select
