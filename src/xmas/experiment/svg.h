// Minimal SVG charts for the self-contained HTML report (report_html.h): no
// external assets, no scripts, fonts by generic family only. Each function
// returns one <svg> element with a <title> (the chart's accessible name), a
// legend and labelled axes. Non-finite values are skipped, never drawn.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xmas::experiment::svg {

struct ChartSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 640;
  int height = 340;
  std::optional<double> y_min, y_max;   // default: the data range (0 included for bars)
  std::optional<double> reference_y;    // a dashed horizontal line (e.g. RP = 100)
};

// A line with markers; lo/hi (same length as y, or empty) draw a shaded band.
struct Series {
  std::string name;
  std::vector<double> x, y, lo, hi;
};

std::string LineChart(const ChartSpec& spec, const std::vector<Series>& series);

// Grouped vertical bars: one group per category, one bar per series; errors
// (same shape as values, or empty) draw whiskers.
struct BarGroup {
  std::string label;
  std::vector<double> values;  // one per series
  std::vector<double> errors;
};

std::string BarChart(const ChartSpec& spec, const std::vector<std::string>& series_names,
                     const std::vector<BarGroup>& groups);

// The i-th colour of the report's palette (colour-blind safe, cycles).
const char* Color(size_t i);

// Escapes & < > " ' for text and attribute values.
std::string XmlEscape(std::string_view text);

// "12", "0.5", "1.2e+03": short tick labels.
std::string TickLabel(double v);

// About five round tick values covering [lo, hi].
std::vector<double> NiceTicks(double lo, double hi);

}  // namespace xmas::experiment::svg
