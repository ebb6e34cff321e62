#include "xmas/experiment/results_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace xmas::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

// Per-run values of one row, before aggregation over seeds.
struct RunValues {
  std::vector<double> score, rp;
  double arp = kNaN, sel = kNaN, train = kNaN, total = kNaN, steps = kNaN;
};

RunValues ValuesOf(const RunResult& run, const std::vector<std::string>& benches,
                   const RunResult& full, double full_seconds) {
  RunValues v;
  double rp_sum = 0;
  int rp_n = 0;
  for (const auto& b : benches) {
    auto it = run.scores.find(b);
    double s = it == run.scores.end() ? kNaN : it->second;
    double ref = full.scores.at(b);
    double rp = ref > 0 && !std::isnan(s) ? 100.0 * s / ref : kNaN;
    v.score.push_back(s);
    v.rp.push_back(rp);
    if (!std::isnan(rp)) {
      rp_sum += rp;
      ++rp_n;
    }
  }
  v.arp = rp_n > 0 ? rp_sum / rp_n : kNaN;  // over the benchmarks with a defined RP
  v.sel = Ratio(run.selection_seconds, full_seconds);
  v.train = Ratio(run.train_seconds, full_seconds);
  v.total = Ratio(run.selection_seconds + run.train_seconds, full_seconds);
  if (run.train_steps > 0) v.steps = static_cast<double>(run.train_steps);
  return v;
}

ResultsRow AggregateRow(const std::string& method, double budget, const std::vector<RunValues>& runs,
                        size_t num_benches) {
  ResultsRow row;
  row.method = method;
  row.budget = budget;
  row.seeds = static_cast<int>(runs.size());
  auto column = [&](auto get) {
    std::vector<double> xs;
    for (const auto& r : runs) xs.push_back(get(r));
    return Aggregate(xs);
  };
  for (size_t b = 0; b < num_benches; ++b) {
    row.score.push_back(column([b](const RunValues& r) { return r.score[b]; }));
    row.rp.push_back(column([b](const RunValues& r) { return r.rp[b]; }));
  }
  row.arp = column([](const RunValues& r) { return r.arp; });
  row.selection_rel = column([](const RunValues& r) { return r.sel; });
  row.train_rel = column([](const RunValues& r) { return r.train; });
  row.total_rel = column([](const RunValues& r) { return r.total; });
  row.steps = column([](const RunValues& r) { return r.steps; });
  return row;
}

std::string Number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string BudgetText(double budget) {
  return std::fabs(budget - std::round(budget)) < 1e-9 ? Number(budget, 0) + "%" : Number(budget, 1) + "%";
}

void MarkdownRow(const ResultsRow& row, std::string* out) {
  *out += "| " + RowLabel(row) + " | " + BudgetText(row.budget) + " |";
  for (size_t b = 0; b < row.score.size(); ++b) {
    *out += " " + FormatCell(row.score[b]) + " (" + FormatCell(row.rp[b], 0) + ") |";
  }
  *out += " " + FormatCell(row.arp) + " | " + FormatCell(row.selection_rel, 2) + " | " +
          FormatCell(row.train_rel, 2) + " | " + FormatCell(row.total_rel, 2) + " |\n";
}

std::string CsvValue(double v) { return std::isnan(v) ? "" : Number(v, 4); }

void CsvCell(const Cell& c, std::string* out) {
  *out += "," + (c.defined() ? CsvValue(c.mean) : "") + "," + (c.defined() ? CsvValue(c.spread) : "");
}

void CsvRow(const ResultsRow& row, std::string* out) {
  *out += row.method + "," + Number(row.budget, 2) + "," + std::to_string(row.seeds);
  for (size_t b = 0; b < row.score.size(); ++b) {
    CsvCell(row.score[b], out);
    CsvCell(row.rp[b], out);
  }
  for (const Cell* c : {&row.arp, &row.selection_rel, &row.train_rel, &row.total_rel}) CsvCell(*c, out);
  *out += "\n";
}

}  // namespace

std::string RowLabel(const ResultsRow& row) {
  return row.seeds > 1 ? row.method + " (" + std::to_string(row.seeds) + " seeds)" : row.method;
}

Cell Aggregate(const std::vector<double>& values) {
  Cell c;
  double sum = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++c.n;
  }
  if (c.n == 0) return c;
  c.mean = sum / c.n;
  if (c.n > 1) {
    double ss = 0;
    for (double v : values) {
      if (!std::isnan(v)) ss += (v - c.mean) * (v - c.mean);
    }
    c.spread = std::sqrt(ss / (c.n - 1));
  }
  return c;
}

std::string FormatCell(const Cell& cell, int decimals) {
  if (!cell.defined()) return "–";
  std::string s = Number(cell.mean, decimals);
  if (cell.n > 1) s += " ± " + Number(cell.spread, decimals);
  return s;
}

ResultsTable BuildResultsTable(const std::vector<RunResult>& runs, const RunResult& full,
                               const TableOptions& options) {
  ResultsTable table;
  for (const auto& [name, score] : full.scores) {
    table.benchmarks.push_back(name);
    if (!(score > 0)) table.arp_excluded.push_back(name);
  }
  table.full_train_seconds = full.train_seconds;
  double ref = full.train_seconds;
  table.full = AggregateRow("full", 100, {ValuesOf(full, table.benchmarks, full, ref)},
                            table.benchmarks.size());
  std::vector<std::string> methods;
  std::vector<double> budgets;
  for (const auto& r : runs) {
    if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) methods.push_back(r.method);
    if (std::find(budgets.begin(), budgets.end(), r.budget) == budgets.end()) budgets.push_back(r.budget);
  }
  std::sort(budgets.begin(), budgets.end());
  for (double budget : budgets) {
    for (const auto& method : methods) {
      std::vector<RunValues> values;
      for (const auto& r : runs) {
        if (r.method == method && r.budget == budget) {
          values.push_back(ValuesOf(r, table.benchmarks, full, ref));
        }
      }
      if (!values.empty()) {
        table.rows.push_back(AggregateRow(method, budget, values, table.benchmarks.size()));
      }
    }
  }
  if (!options.baselines.empty()) AddComparisons(runs, full, options, &table);
  return table;
}

std::string ArpNote(const ResultsTable& table) {
  if (table.arp_excluded.empty()) return "";
  std::string names;
  for (const auto& b : table.arp_excluded) names += (names.empty() ? "" : ", ") + b;
  return "ARP averages " + std::to_string(table.benchmarks.size() - table.arp_excluded.size()) + " of " +
         std::to_string(table.benchmarks.size()) + " benchmarks: the full-data target scores 0 on " + names +
         ", so their RP is undefined.";
}

std::string ResultsToMarkdown(const ResultsTable& table) {
  std::string out = ComparisonToMarkdown(table);
  if (!out.empty()) out += "\nRelative performance (the paper's measure: RP = 100 · score / full-data score):\n\n";
  out += "| method | budget |";
  std::string rule = "| --- | ---: |";
  for (const auto& b : table.benchmarks) {
    out += " " + b + " (RP) |";
    rule += " ---: |";
  }
  out += " ARP | sel ×full | train ×full | total ×full |\n";
  rule += " ---: | ---: | ---: | ---: |\n";
  out += rule;
  MarkdownRow(table.full, &out);
  for (const auto& row : table.rows) MarkdownRow(row, &out);
  std::string note = ArpNote(table);
  if (!note.empty()) out += "\n" + note + "\n";
  return out;
}

std::string ResultsToCsv(const ResultsTable& table) {
  std::string out = "method,budget,seeds";
  for (const auto& b : table.benchmarks) {
    out += "," + b + "," + b + "_spread," + b + "_rp," + b + "_rp_spread";
  }
  out += ",arp,arp_spread,selection_rel,selection_rel_spread,train_rel,train_rel_spread,total_rel,"
         "total_rel_spread\n";
  CsvRow(table.full, &out);
  for (const auto& row : table.rows) CsvRow(row, &out);
  return out;
}

}  // namespace xmas::experiment
