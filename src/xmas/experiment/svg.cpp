#include "xmas/experiment/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace xmas::experiment::svg {
namespace {

constexpr double kLeft = 64, kRight = 150, kTop = 40, kBottom = 56;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

bool Finite(double v) { return std::isfinite(v); }

// Maps data coordinates to pixels inside the plot area.
struct Frame {
  double x0, x1, y0, y1;  // data range
  double left, right, top, bottom;  // pixel box
  double X(double x) const { return x1 > x0 ? left + (x - x0) / (x1 - x0) * (right - left) : (left + right) / 2; }
  double Y(double y) const { return y1 > y0 ? bottom - (y - y0) / (y1 - y0) * (bottom - top) : (top + bottom) / 2; }
};

Frame MakeFrame(const ChartSpec& spec, double x0, double x1, double y0, double y1) {
  if (spec.y_min) y0 = *spec.y_min;
  if (spec.y_max) y1 = *spec.y_max;
  if (!(y1 > y0)) y1 = y0 + 1;
  auto ticks = NiceTicks(y0, y1);
  y0 = std::min(y0, ticks.front());
  y1 = std::max(y1, ticks.back());
  return Frame{x0, x1, y0, y1, kLeft, spec.width - kRight, kTop, spec.height - kBottom};
}

std::string Open(const ChartSpec& spec) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                  std::to_string(spec.width) + "\" height=\"" + std::to_string(spec.height) +
                  "\" viewBox=\"0 0 " + std::to_string(spec.width) + " " + std::to_string(spec.height) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" + XmlEscape(spec.title) +
                  "</title>\n";
  s += "<text x=\"" + Num(spec.width / 2.0) + "\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" "
       "font-weight=\"bold\">" + XmlEscape(spec.title) + "</text>\n";
  return s;
}

std::string Text(double x, double y, const std::string& text, const char* anchor, const char* extra = "") {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" +
         XmlEscape(text) + "</text>\n";
}

std::string Line(double x1, double y1, double x2, double y2, const char* style) {
  return "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" + Num(y2) +
         "\" " + style + "/>\n";
}

// Y grid, y ticks, axis labels and the reference line.
std::string Axes(const ChartSpec& spec, const Frame& f) {
  std::string s;
  for (double t : NiceTicks(f.y0, f.y1)) {
    if (t < f.y0 - 1e-9 || t > f.y1 + 1e-9) continue;
    s += Line(f.left, f.Y(t), f.right, f.Y(t), "stroke=\"#ddd\"");
    s += Text(f.left - 6, f.Y(t) + 4, TickLabel(t), "end");
  }
  s += Line(f.left, f.bottom, f.right, f.bottom, "stroke=\"#333\"");
  s += Line(f.left, f.top, f.left, f.bottom, "stroke=\"#333\"");
  if (spec.reference_y && *spec.reference_y >= f.y0 && *spec.reference_y <= f.y1) {
    s += Line(f.left, f.Y(*spec.reference_y), f.right, f.Y(*spec.reference_y),
              "stroke=\"#888\" stroke-dasharray=\"5,4\"");
  }
  s += Text((f.left + f.right) / 2, spec.height - 12, spec.x_label, "middle");
  s += "<text transform=\"translate(16," + Num((f.top + f.bottom) / 2) + ") rotate(-90)\" "
       "text-anchor=\"middle\">" + XmlEscape(spec.y_label) + "</text>\n";
  return s;
}

std::string Legend(const ChartSpec& spec, const std::vector<std::string>& names) {
  std::string s;
  double x = spec.width - kRight + 12;
  for (size_t i = 0; i < names.size(); ++i) {
    double y = kTop + 8 + 18.0 * i;
    s += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y - 9) + "\" width=\"12\" height=\"12\" fill=\"" +
         Color(i) + "\"/>\n";
    s += Text(x + 18, y + 2, names[i], "start");
  }
  return s;
}

void Extend(double v, double* lo, double* hi) {
  if (!Finite(v)) return;
  *lo = std::min(*lo, v);
  *hi = std::max(*hi, v);
}

std::string Band(const Frame& f, const Series& s, size_t color) {
  if (s.lo.size() != s.y.size() || s.hi.size() != s.y.size() || s.y.empty()) return "";
  std::string pts;
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (Finite(s.x[i]) && Finite(s.hi[i])) pts += Num(f.X(s.x[i])) + "," + Num(f.Y(s.hi[i])) + " ";
  }
  for (size_t i = s.x.size(); i-- > 0;) {
    if (Finite(s.x[i]) && Finite(s.lo[i])) pts += Num(f.X(s.x[i])) + "," + Num(f.Y(s.lo[i])) + " ";
  }
  return "<polygon points=\"" + pts + "\" fill=\"" + Color(color) + "\" fill-opacity=\"0.18\" stroke=\"none\"/>\n";
}

std::string Polyline(const Frame& f, const Series& s, size_t color) {
  std::string pts, marks;
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    if (!Finite(s.x[i]) || !Finite(s.y[i])) continue;
    pts += Num(f.X(s.x[i])) + "," + Num(f.Y(s.y[i])) + " ";
    marks += "<circle cx=\"" + Num(f.X(s.x[i])) + "\" cy=\"" + Num(f.Y(s.y[i])) + "\" r=\"3\" fill=\"" +
             Color(color) + "\"/>\n";
  }
  return "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + Color(color) +
         "\" stroke-width=\"2\"/>\n" + marks;
}

}  // namespace

const char* Color(size_t i) {
  static const char* kPalette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                   "#e69f00", "#56b4e9", "#999999", "#000000"};
  return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string TickLabel(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.1e", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

std::vector<double> NiceTicks(double lo, double hi) {
  if (!Finite(lo) || !Finite(hi)) return {0, 1};
  if (hi <= lo) hi = lo + 1;
  double raw = (hi - lo) / 5;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::floor(lo / step) * step; t <= hi + step * 0.5 && ticks.size() < 20; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

std::string LineChart(const ChartSpec& spec, const std::vector<Series>& series) {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : series) {
    for (double x : s.x) Extend(x, &x0, &x1);
    for (const auto* v : {&s.y, &s.lo, &s.hi}) {
      for (double y : *v) Extend(y, &y0, &y1);
    }
  }
  if (spec.reference_y) Extend(*spec.reference_y, &y0, &y1);
  if (!Finite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  Frame f = MakeFrame(spec, x0, x1, y0, y1);
  std::string s = Open(spec) + Axes(spec, f);
  std::vector<double> xs;
  for (const auto& se : series) xs.insert(xs.end(), se.x.begin(), se.x.end());
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  std::vector<double> xticks = xs.size() <= 12 ? xs : NiceTicks(x0, x1);
  for (double t : xticks) {
    if (Finite(t) && t >= f.x0 && t <= f.x1) s += Text(f.X(t), f.bottom + 16, TickLabel(t), "middle");
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < series.size(); ++i) {
    s += Band(f, series[i], i) + Polyline(f, series[i], i);
    names.push_back(series[i].name);
  }
  return s + Legend(spec, names) + "</svg>\n";
}

std::string BarChart(const ChartSpec& spec, const std::vector<std::string>& series_names,
                     const std::vector<BarGroup>& groups) {
  double y0 = 0, y1 = 0;
  for (const auto& g : groups) {
    for (size_t i = 0; i < g.values.size(); ++i) {
      double e = i < g.errors.size() && Finite(g.errors[i]) ? g.errors[i] : 0;
      Extend(g.values[i] + e, &y0, &y1);
      Extend(g.values[i] - e, &y0, &y1);
    }
  }
  if (spec.reference_y) Extend(*spec.reference_y, &y0, &y1);
  Frame f = MakeFrame(spec, 0, 1, y0, y1);
  bool rotate = groups.size() > 8;
  ChartSpec axes = spec;
  if (rotate) axes.x_label.clear();  // the slanted category names take its place
  std::string s = Open(spec) + Axes(axes, f);
  double slot = groups.empty() ? 0 : (f.right - f.left) / groups.size();
  double nser = std::max<size_t>(1, series_names.size());
  double bar = slot * 0.8 / nser;
  for (size_t g = 0; g < groups.size(); ++g) {
    double gx = f.left + slot * g + slot * 0.1;
    for (size_t i = 0; i < groups[g].values.size(); ++i) {
      double v = groups[g].values[i];
      if (!Finite(v)) continue;
      double top = f.Y(std::max(v, 0.0)), base = f.Y(std::min(v, 0.0));
      double x = gx + bar * i;
      s += "<rect x=\"" + Num(x) + "\" y=\"" + Num(top) + "\" width=\"" + Num(std::max(bar - 1, 1.0)) +
           "\" height=\"" + Num(std::max(base - top, 0.5)) + "\" fill=\"" + Color(i) + "\"><title>" +
           XmlEscape(groups[g].label + " / " + (i < series_names.size() ? series_names[i] : "") + ": " +
                     TickLabel(v)) + "</title></rect>\n";
      if (i < groups[g].errors.size() && Finite(groups[g].errors[i]) && groups[g].errors[i] > 0) {
        double cx = x + bar / 2, e = groups[g].errors[i];
        s += Line(cx, f.Y(v - e), cx, f.Y(v + e), "stroke=\"#222\"");
      }
    }
    double lx = gx + slot * 0.4, ly = f.bottom + 16;
    s += rotate ? "<text transform=\"translate(" + Num(lx) + "," + Num(ly - 6) + ") rotate(40)\" "
                  "text-anchor=\"start\" font-size=\"10\">" + XmlEscape(groups[g].label) + "</text>\n"
                : Text(lx, ly, groups[g].label, "middle");
  }
  return s + Legend(spec, series_names) + "</svg>\n";
}

}  // namespace xmas::experiment::svg
