#include "xmas/experiment/report_html.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "xmas/experiment/svg.h"
#include "xmas/util/progress.h"

namespace xmas::experiment {
namespace {

using svg::XmlEscape;

const char* kStyle =
    "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}"
    "h1{margin-bottom:0}p.sub{color:#666;margin-top:.3em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}"
    "th:first-child,td:first-child{text-align:left}thead th{background:#f2f2f2}"
    "tr.full td{font-weight:bold;background:#fafafa}"
    ".note{background:#fff6d5;border-left:4px solid #e6b800;padding:.5em 1em;margin:.5em 0}"
    "section{margin:2em 0}svg{display:block;margin:.5em 0;max-width:100%;height:auto}"
    "pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}div.wide{overflow-x:auto}"
    "td.better{background:#d9f2d9}td.worse{background:#f8d7d7}p.caption{font-size:13px;color:#444;margin:.3em 0}";

std::string Section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + XmlEscape(title) + "</h2>\n" + body + "</section>\n";
}

std::string Missing(const std::string& what) {
  return "<p class=\"note\">" + XmlEscape(what) + "</p>\n";
}

svg::ChartSpec Spec(std::string title, std::string x_label, std::string y_label) {
  svg::ChartSpec spec;
  spec.title = std::move(title);
  spec.x_label = std::move(x_label);
  spec.y_label = std::move(y_label);
  return spec;
}

std::string BudgetLabel(double b) { return svg::TickLabel(b) + "%"; }

void TableRow(const ResultsRow& row, bool full, std::string* out) {
  *out += full ? "<tr class=\"full\">" : "<tr>";
  std::string label = row.seeds > 1 ? row.method + " (" + std::to_string(row.seeds) + " seeds)" : row.method;
  *out += "<td>" + XmlEscape(label) + "</td><td>" + BudgetLabel(row.budget) + "</td>";
  for (size_t b = 0; b < row.score.size(); ++b) {
    *out += "<td>" + XmlEscape(FormatCell(row.score[b])) + "</td><td>" + XmlEscape(FormatCell(row.rp[b], 0)) +
            "</td>";
  }
  for (const auto& [cell, dec] : {std::pair{&row.arp, 1}, {&row.selection_rel, 2}, {&row.train_rel, 2},
                                  {&row.total_rel, 2}}) {
    *out += "<td>" + XmlEscape(FormatCell(*cell, dec)) + "</td>";
  }
  *out += "</tr>\n";
}

std::string Td(const std::string& text) { return "<td>" + XmlEscape(text) + "</td>"; }

std::string Caption(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out += "<p class=\"caption\">" + XmlEscape(text.substr(start, end - start)) + "</p>\n";
    start = end + 1;
  }
  return out;
}

void GainRowHtml(const ResultsRow& row, const ResultsTable& t, bool full, std::string* out) {
  *out += full ? "<tr class=\"full\">" : "<tr>";
  *out += Td(RowLabel(row)) + Td(BudgetLabel(row.budget)) + Td(FormatSteps(row.steps));
  for (const auto& g : row.gain) *out += Td(FormatGain(g));
  *out += "<td><b>" + XmlEscape(FormatGain(row.mean_gain)) + "</b></td>";
  const ResultsRow* random = full ? nullptr : ReferenceRow(t, row.budget);
  *out += Td(random != nullptr && random != &row ? FormatGain(random->mean_gain) : "");
  if (row.vs_random.defined) {
    const char* verdict = eval::VerdictName(row.vs_random.verdict);
    *out += Td(FormatComparison(row.vs_random)) + "<td class=\"" + verdict + "\">" + verdict + "</td>";
  } else {
    *out += Td(row.method == t.reference_method ? "(reference)" : "–") + Td("");
  }
  *out += "</tr>\n";
}

// The gain table (majority baselines, random beside, Δ with CI, verdict) and
// the intrinsic metrics of every subset.
std::string ComparisonHtml(const ResultsTable& t) {
  if (!t.has_baselines) return "";
  std::string h = Caption(ComparisonCaption(t));
  h += "<div class=\"wide\"><table>\n<thead><tr><th>method</th><th>budget</th><th>steps</th>";
  for (size_t b = 0; b < t.benchmarks.size(); ++b) {
    h += "<th>" + XmlEscape(t.benchmarks[b] + (t.learned[b] ? "" : " †")) + "</th>";
  }
  h += "<th>mean gain</th><th>" + XmlEscape(t.reference_method) + "</th><th>Δ vs " + XmlEscape(t.reference_method) +
       " [95% CI]</th><th>verdict</th></tr></thead>\n<tbody>\n<tr>" + Td("majority baseline") + Td("") + Td("");
  for (double b : t.baseline) h += Td(std::isnan(b) ? "–" : svg::TickLabel(std::round(b * 10) / 10));
  h += Td("") + Td("") + Td("") + Td("") + "</tr>\n";
  GainRowHtml(t.full, t, true, &h);
  for (const auto& r : t.rows) GainRowHtml(r, t, false, &h);
  h += "</tbody></table></div>\n";
  if (!t.has_truth) return h;
  h += "<h3>What each subset took (ground truth)</h3>\n<div class=\"wide\"><table>\n<thead><tr><th>method</th>"
       "<th>budget</th>";
  for (const auto& c : TruthColumns()) h += "<th>" + XmlEscape(c) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (const auto& r : TruthRows(t)) {
    h += "<tr>" + Td(r.label) + Td(BudgetLabel(r.budget));
    for (const auto& text : TruthCellTexts(*r.cells)) h += Td(text);
    h += "</tr>\n";
  }
  return h + "</tbody></table></div>\n<p>Shares of the picks: redundant copies (a pick whose duplicate group "
             "already has a pick), wrong answers, paraphrases; task entropy over its maximum; the least picked "
             "task's share over an even split; sources with a pick; mean words after the image.</p>\n";
}

std::string ResultsSection(const ReportData& d) {
  if (!d.has_results) return Section("results", "Results", Missing("No evaluation results yet."));
  const ResultsTable& t = d.table;
  std::string h = ComparisonHtml(t);
  if (!h.empty()) h += "<h3>Relative performance (the paper's measure)</h3>\n";
  h += "<div class=\"wide\"><table>\n<thead><tr><th rowspan=\"2\">method</th><th rowspan=\"2\">budget</th>";
  for (const auto& b : t.benchmarks) h += "<th colspan=\"2\">" + XmlEscape(b) + "</th>";
  h += "<th rowspan=\"2\">ARP</th><th rowspan=\"2\">selection ×full</th><th rowspan=\"2\">training ×full</th>"
       "<th rowspan=\"2\">total ×full</th></tr>\n<tr>";
  for (size_t i = 0; i < t.benchmarks.size(); ++i) h += "<th>score</th><th>RP</th>";
  h += "</tr></thead>\n<tbody>\n";
  TableRow(t.full, true, &h);
  for (const auto& r : t.rows) TableRow(r, false, &h);
  h += "</tbody></table></div>\n";
  std::string note = ArpNote(t);
  if (!note.empty()) h += "<p class=\"note\">" + XmlEscape(note) + "</p>\n";
  h += "<p>RP = 100 · score / score of the full-data target; ARP = mean RP over the "
       "benchmarks; times are relative to training the target on the full data (" +
       FormatDuration(t.full_train_seconds) + ").</p>\n";
  return Section("results", "Results", h);
}

std::vector<std::string> Methods(const ResultsTable& t) {
  std::vector<std::string> methods;
  for (const auto& r : t.rows) {
    if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) methods.push_back(r.method);
  }
  return methods;
}

std::string ArpSection(const ReportData& d) {
  if (!d.has_results || d.table.rows.empty()) return "";
  std::vector<svg::Series> series;
  for (const auto& m : Methods(d.table)) {
    svg::Series s{m, {}, {}, {}, {}};
    for (const auto& r : d.table.rows) {
      if (r.method != m || !r.arp.defined()) continue;
      s.x.push_back(r.budget);
      s.y.push_back(r.arp.mean);
      s.lo.push_back(r.arp.mean - r.arp.spread);
      s.hi.push_back(r.arp.mean + r.arp.spread);
    }
    series.push_back(std::move(s));
  }
  svg::ChartSpec spec = Spec("ARP versus budget", "budget (% of the training set)", "ARP (%)");
  spec.reference_y = 100;
  return Section("arp", "Average relative performance", svg::LineChart(spec, series));
}

std::string BenchmarkSection(const ReportData& d) {
  if (!d.has_results || d.table.rows.empty()) return "";
  std::vector<std::string> methods = Methods(d.table);
  std::set<double> budgets;
  for (const auto& r : d.table.rows) budgets.insert(r.budget);
  std::string body;
  for (double b : budgets) {
    std::vector<svg::BarGroup> groups;
    for (size_t k = 0; k < d.table.benchmarks.size(); ++k) {
      svg::BarGroup g{d.table.benchmarks[k], {}, {}};
      for (const auto& m : methods) {
        auto it = std::find_if(d.table.rows.begin(), d.table.rows.end(),
                               [&](const ResultsRow& r) { return r.method == m && r.budget == b; });
        bool ok = it != d.table.rows.end() && it->rp[k].defined();
        g.values.push_back(ok ? it->rp[k].mean : NAN);
        g.errors.push_back(ok ? it->rp[k].spread : 0);
      }
      groups.push_back(std::move(g));
    }
    svg::ChartSpec spec = Spec("Relative performance per benchmark at " + BudgetLabel(b), "benchmark", "RP (%)");
    spec.reference_y = 100;
    body += svg::BarChart(spec, methods, groups);
  }
  return Section("benchmarks", "Per-benchmark relative performance", body);
}

std::string TrajectorySection(const ReportData& d) {
  if (d.clusters.empty()) {
    return Section("trajectories", "Alignment trajectories", Missing("No trajectories in this experiment."));
  }
  std::vector<svg::Series> series;
  for (const auto& c : d.clusters) {
    svg::Series s{"cluster " + std::to_string(c.cluster) + " (n=" + std::to_string(c.size) + ")",
                  {}, c.mean, c.lo, c.hi};
    for (size_t t = 0; t < c.mean.size(); ++t) {
      s.x.push_back(t < d.checkpoint_steps.size() ? d.checkpoint_steps[t] : static_cast<double>(t));
    }
    series.push_back(std::move(s));
  }
  svg::ChartSpec spec = Spec("Trajectories of sampled clusters (mean ± std)", "proxy checkpoint (step)",
                      "Σ top-k singular values");
  spec.width = 760;
  return Section("trajectories", "Alignment trajectories", svg::LineChart(spec, series));
}

std::string ClusterSizeSection(const ReportData& d) {
  if (d.cluster_sizes.empty()) return "";
  size_t lo = *std::min_element(d.cluster_sizes.begin(), d.cluster_sizes.end());
  size_t hi = *std::max_element(d.cluster_sizes.begin(), d.cluster_sizes.end());
  size_t bins = std::min<size_t>(12, hi - lo + 1);
  double width = static_cast<double>(hi - lo + 1) / bins;
  std::vector<svg::BarGroup> groups(bins);
  for (size_t i = 0; i < bins; ++i) {
    size_t a = lo + static_cast<size_t>(std::ceil(i * width - 1e-9));
    size_t b = lo + static_cast<size_t>(std::ceil((i + 1) * width - 1e-9)) - 1;
    groups[i].label = a == b ? std::to_string(a) : std::to_string(a) + "–" + std::to_string(b);
    groups[i].values = {0};
  }
  for (size_t s : d.cluster_sizes) {
    size_t bin = std::min(bins - 1, static_cast<size_t>((s - lo) / width));
    groups[bin].values[0] += 1;
  }
  svg::ChartSpec spec = Spec("Cluster sizes (" + std::to_string(d.cluster_sizes.size()) + " clusters)",
                      "members per cluster", "clusters");
  return Section("clusters", "Cluster size distribution", svg::BarChart(spec, {"clusters"}, groups));
}

std::string CompositionSection(const ReportData& d) {
  if (d.compositions.empty()) return "";
  std::set<std::string> sources;
  for (const auto& c : d.compositions) {
    for (const auto& [s, n] : c.counts) sources.insert(s);
  }
  std::vector<std::string> names;
  for (const auto& c : d.compositions) names.push_back(c.label);
  std::vector<svg::BarGroup> groups;
  for (const auto& s : sources) {
    svg::BarGroup g{s, {}, {}};
    for (const auto& c : d.compositions) {
      size_t total = 0;
      for (const auto& [src, n] : c.counts) total += n;
      auto it = c.counts.find(s);
      g.values.push_back(total && it != c.counts.end() ? 100.0 * it->second / total : 0);
    }
    groups.push_back(std::move(g));
  }
  svg::ChartSpec spec = Spec("Share of each source", "source", "% of the set");
  spec.width = 760;
  return Section("composition", "Subset composition by source", svg::BarChart(spec, names, groups));
}

std::string TimingSection(const ReportData& d) {
  if (d.timings.empty()) return "";
  std::string table = "<table><thead><tr><th>step</th><th>time</th><th>seconds</th></tr></thead><tbody>\n";
  std::vector<svg::BarGroup> groups;
  for (const auto& t : d.timings) {
    table += "<tr><td>" + XmlEscape(t.step) + (t.cached ? " (cached)" : "") + "</td><td>" +
             FormatDuration(t.seconds) + "</td><td>" + svg::TickLabel(t.seconds) + "</td></tr>\n";
    groups.push_back({t.step, {t.seconds}, {}});
  }
  table += "</tbody></table>\n";
  svg::ChartSpec spec = Spec("Wall time per step", "step", "seconds");
  spec.width = 900;
  spec.height = 420;
  return Section("timings", "Timings", svg::BarChart(spec, {"seconds"}, groups) + table);
}

}  // namespace

std::string RenderReportHtml(const ReportData& d) {
  std::string h = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\"/>\n<title>" +
                  XmlEscape(d.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>" + XmlEscape(d.title) + "</h1>\n<p class=\"sub\">" + XmlEscape(d.subtitle) + "</p>\n";
  for (const auto& n : d.notes) h += "<p class=\"note\">" + XmlEscape(n) + "</p>\n";
  h += ResultsSection(d) + ArpSection(d) + BenchmarkSection(d) + TrajectorySection(d) +
       ClusterSizeSection(d) + CompositionSection(d) + TimingSection(d);
  if (!d.config_json.empty()) {
    h += Section("config", "Configuration", "<pre>" + XmlEscape(d.config_json) + "</pre>\n");
  }
  return h + "</body>\n</html>\n";
}

}  // namespace xmas::experiment
