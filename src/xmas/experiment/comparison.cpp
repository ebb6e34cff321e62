// The issue-16 half of the results table (results_table.h): gains over the
// majority-answer baseline, random beside each row, paired bootstrap CIs of
// the difference to random with a verdict, the intrinsic metrics of each
// subset, and the text / JSON forms of all of it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "xmas/experiment/results_table.h"

namespace xmas::experiment {
namespace {
using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Signed(double v, int decimals) {
  std::string s = Number(v, decimals);
  if (s == Number(0.0, decimals) || s == "-" + Number(0.0, decimals)) return Number(0.0, decimals);
  return v > 0 ? "+" + s : s;
}

std::string BudgetText(double budget) {
  return std::fabs(budget - std::round(budget)) < 1e-9 ? Number(budget, 0) + "%" : Number(budget, 1) + "%";
}

// The runs of one table row (same method and budget), in the order given.
std::vector<const RunResult*> RunsOf(const std::vector<RunResult>& runs, const std::string& method, double budget) {
  std::vector<const RunResult*> out;
  for (const auto& r : runs) {
    if (r.method == method && r.budget == budget) out.push_back(&r);
  }
  return out;
}

// Per benchmark gain and the mean gain over the learned benchmarks of one run.
struct Gains {
  std::vector<double> gain;
  double mean = kNaN;
};

Gains GainsOf(const RunResult& run, const ResultsTable& t) {
  Gains g;
  double sum = 0;
  int n = 0;
  for (size_t b = 0; b < t.benchmarks.size(); ++b) {
    auto it = run.scores.find(t.benchmarks[b]);
    double v = it == run.scores.end() || std::isnan(t.baseline[b]) ? kNaN : it->second - t.baseline[b];
    g.gain.push_back(v);
    if (t.learned[b] && !std::isnan(v)) {
      sum += v;
      ++n;
    }
  }
  if (n > 0) g.mean = sum / n;
  return g;
}

void FillGains(const std::vector<const RunResult*>& runs, const ResultsTable& t, ResultsRow* row) {
  std::vector<Gains> gains;
  for (const RunResult* r : runs) gains.push_back(GainsOf(*r, t));
  row->gain.clear();
  for (size_t b = 0; b < t.benchmarks.size(); ++b) {
    std::vector<double> xs;
    for (const auto& g : gains) xs.push_back(g.gain[b]);
    row->gain.push_back(Aggregate(xs));
  }
  std::vector<double> means;
  for (const auto& g : gains) means.push_back(g.mean);
  row->mean_gain = Aggregate(means);
}

void FillTruth(const std::vector<const RunResult*>& runs, ResultsRow* row) {
  std::vector<const select::TruthMetrics*> ms;
  for (const RunResult* r : runs) {
    if (!r->truth) return;  // all seeds or none
    ms.push_back(&*r->truth);
  }
  if (ms.empty()) return;
  auto cell = [&](auto get) {
    std::vector<double> xs;
    for (const auto* m : ms) xs.push_back(get(*m));
    return Aggregate(xs);
  };
  row->has_truth = true;
  row->truth.redundant = cell([](const select::TruthMetrics& m) { return m.redundant_copy_share; });
  row->truth.noisy = cell([](const select::TruthMetrics& m) { return m.noisy_share; });
  row->truth.paraphrase = cell([](const select::TruthMetrics& m) { return m.paraphrase_share; });
  row->truth.entropy = cell([](const select::TruthMetrics& m) { return m.task_entropy_normalized; });
  row->truth.smallest = cell([](const select::TruthMetrics& m) { return m.smallest_task_vs_even; });
  row->truth.sources = cell([](const select::TruthMetrics& m) { return m.source_coverage; });
  row->truth.words = cell([](const select::TruthMetrics& m) { return m.mean_words_after_image; });
}

// The two runs' per-question scores over the compared benchmarks, weighted
// so that the pooled mean is the mean over benchmarks of each benchmark's
// mean (every benchmark weighs the same), in points. "" or why not.
std::string Pooled(const RunResult& a, const RunResult& b, const std::vector<std::string>& benches,
                   std::vector<double>* pa, std::vector<double>* pb) {
  size_t total = 0;
  for (const auto& name : benches) {
    auto ia = a.item_scores.find(name), ib = b.item_scores.find(name);
    if (ia == a.item_scores.end() || ib == b.item_scores.end() || ia->second.empty()) {
      return "no per-question scores for " + name;
    }
    if (ia->second.size() != ib->second.size()) return name + ": the runs answered different questions";
    total += ia->second.size();
  }
  if (benches.empty()) return "no benchmark to compare on";
  for (const auto& name : benches) {
    const auto& xa = a.item_scores.at(name);
    const auto& xb = b.item_scores.at(name);
    double w = 100.0 * static_cast<double>(total) / (static_cast<double>(benches.size()) * xa.size());
    for (size_t i = 0; i < xa.size(); ++i) {
      pa->push_back(w * xa[i]);
      pb->push_back(w * xb[i]);
    }
  }
  return "";
}

Comparison Compare(const std::vector<const RunResult*>& mine, const std::vector<const RunResult*>& randoms,
                   const ResultsTable& t) {
  Comparison c;
  if (randoms.empty()) {
    c.why_not = "no " + t.reference_method + " run at this budget";
    return c;
  }
  double sum = 0;
  for (const RunResult* m : mine) {
    for (const RunResult* r : randoms) {
      std::vector<double> pm, pr;
      std::string why = Pooled(*m, *r, t.compared, &pm, &pr);
      if (!why.empty()) {
        c.why_not = why;
        return c;
      }
      auto interval = eval::PairedBootstrap(pm, pr, t.bootstrap);
      if (!interval.ok()) {
        c.why_not = interval.status().message();
        return c;
      }
      c.intervals.push_back(*interval);
      sum += interval->mean_difference;
    }
  }
  c.defined = true;
  c.delta = sum / c.intervals.size();
  c.low = c.intervals[0].low;
  c.high = c.intervals[0].high;
  for (const auto& i : c.intervals) {
    c.low = std::min(c.low, i.low);
    c.high = std::max(c.high, i.high);
  }
  c.verdict = eval::CompareToRandom(c.intervals);
  return c;
}

std::string Share(const Cell& c) { return FormatCell(c, 3); }

// "| a | b |": an empty cell is "| |".
std::string MarkdownCells(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += c.empty() ? " |" : " " + c + " |";
  return out + "\n";
}

void GainRow(const ResultsRow& row, const ResultsTable& t, const ResultsRow* random, std::string* out) {
  std::vector<std::string> cells = {RowLabel(row), BudgetText(row.budget), FormatSteps(row.steps)};
  for (const auto& g : row.gain) cells.push_back(FormatGain(g));
  cells.push_back("**" + FormatGain(row.mean_gain) + "**");
  cells.push_back(random != nullptr && random != &row ? FormatGain(random->mean_gain) : "");
  if (row.vs_random.defined) {
    cells.push_back(FormatComparison(row.vs_random));
    cells.push_back(eval::VerdictName(row.vs_random.verdict));
  } else {
    cells.push_back(row.method == t.reference_method ? "(reference)" : "–");
    cells.push_back("");
  }
  *out += MarkdownCells(cells);
}

json CellJson(const Cell& c) {
  if (!c.defined()) return nullptr;
  return {{"mean", c.mean}, {"sd", c.spread}, {"n", c.n}};
}

json CellsJson(const std::vector<Cell>& cells, const std::vector<std::string>& names) {
  json j = json::object();
  for (size_t i = 0; i < cells.size() && i < names.size(); ++i) j[names[i]] = CellJson(cells[i]);
  return j;
}

json RowJson(const ResultsRow& r, const ResultsTable& t) {
  json j = {{"method", r.method},
            {"budget", r.budget},
            {"seeds", r.seeds},
            {"steps", CellJson(r.steps)},
            {"score", CellsJson(r.score, t.benchmarks)},
            {"rp", CellsJson(r.rp, t.benchmarks)},
            {"arp", CellJson(r.arp)},
            {"selection_rel", CellJson(r.selection_rel)},
            {"train_rel", CellJson(r.train_rel)},
            {"total_rel", CellJson(r.total_rel)}};
  if (t.has_baselines) {
    j["gain"] = CellsJson(r.gain, t.benchmarks);
    j["mean_gain"] = CellJson(r.mean_gain);
    const Comparison& c = r.vs_random;
    json v = {{"defined", c.defined}};
    if (c.defined) {
      v["delta"] = c.delta;
      v["low"] = c.low;
      v["high"] = c.high;
      v["verdict"] = eval::VerdictName(c.verdict);
      v["intervals"] = json::array();
      for (const auto& i : c.intervals) {
        v["intervals"].push_back({{"questions", i.questions}, {"mean_difference", i.mean_difference},
                                  {"low", i.low}, {"high", i.high}});
      }
    } else {
      v["why_not"] = c.why_not;
    }
    j["vs_" + t.reference_method] = v;
  }
  if (r.has_truth) {
    const TruthCells& c = r.truth;
    j["truth_metrics"] = {{"redundant_copy_share", CellJson(c.redundant)},
                          {"noisy_share", CellJson(c.noisy)},
                          {"paraphrase_share", CellJson(c.paraphrase)},
                          {"task_entropy_normalized", CellJson(c.entropy)},
                          {"smallest_task_vs_even", CellJson(c.smallest)},
                          {"source_coverage", CellJson(c.sources)},
                          {"mean_words_after_image", CellJson(c.words)}};
  }
  return j;
}

}  // namespace

void AddComparisons(const std::vector<RunResult>& runs, const RunResult& full, const TableOptions& options,
                    ResultsTable* t) {
  t->has_baselines = true;
  t->reference_method = options.reference_method;
  t->bootstrap = options.bootstrap;
  t->compute_note = options.compute_note;
  t->baseline.clear();
  t->baseline_answer.clear();
  t->learned.clear();
  t->compared.clear();
  for (const auto& name : t->benchmarks) {
    auto it = options.baselines.find(name);
    double base = it == options.baselines.end() ? kNaN : it->second.score;
    t->baseline.push_back(base);
    t->baseline_answer.push_back(it == options.baselines.end() ? "" : it->second.answer);
    bool learned = !std::isnan(base) && full.scores.at(name) - base > 0;
    t->learned.push_back(learned);
    if (learned) t->compared.push_back(name);
  }
  if (t->compared.empty()) {  // nothing learned: the CIs pool every benchmark with a baseline
    for (size_t b = 0; b < t->benchmarks.size(); ++b) {
      if (!std::isnan(t->baseline[b])) t->compared.push_back(t->benchmarks[b]);
    }
  }
  FillGains({&full}, *t, &t->full);
  FillTruth({&full}, &t->full);
  t->has_truth = t->full.has_truth;
  for (auto& row : t->rows) {
    std::vector<const RunResult*> mine = RunsOf(runs, row.method, row.budget);
    FillGains(mine, *t, &row);
    FillTruth(mine, &row);
    t->has_truth = t->has_truth || row.has_truth;
    if (row.method == t->reference_method) {
      row.vs_random.why_not = "reference";
      continue;
    }
    row.vs_random = Compare(mine, RunsOf(runs, t->reference_method, row.budget), *t);
  }
}

std::string FormatGain(const Cell& cell, int decimals) {
  if (!cell.defined()) return "–";
  std::string s = Signed(cell.mean, decimals);
  if (cell.n > 1) s += " ± " + Number(cell.spread, decimals);
  return s;
}

const ResultsRow* ReferenceRow(const ResultsTable& t, double budget) {
  for (const auto& r : t.rows) {
    if (r.method == t.reference_method && r.budget == budget) return &r;
  }
  return nullptr;
}

const std::vector<std::string>& TruthColumns() {
  static const auto* names = new std::vector<std::string>{
      "redundant copies", "noisy", "paraphrases", "task entropy / max", "smallest task / even", "sources",
      "words after image"};
  return *names;
}

std::vector<TruthRowRef> TruthRows(const ResultsTable& t) {
  std::vector<TruthRowRef> rows;
  if (t.full.has_truth) rows.push_back({"full data", 100, &t.full.truth});
  for (const auto& r : t.rows) {
    if (r.has_truth) rows.push_back({RowLabel(r), r.budget, &r.truth});
  }
  return rows;
}

std::vector<std::string> TruthCellTexts(const TruthCells& c) {
  return {Share(c.redundant), Share(c.noisy), Share(c.paraphrase), Share(c.entropy),
          Share(c.smallest),  Share(c.sources), FormatCell(c.words, 2)};
}

std::string FormatSteps(const Cell& steps) {
  if (!steps.defined()) return "–";
  return steps.spread == 0 ? Number(steps.mean, 0) : FormatCell(steps, 0);
}

std::string FormatComparison(const Comparison& c) {
  if (!c.defined) return "–";
  return Signed(c.delta, 1) + " [" + Signed(c.low, 1) + ", " + Signed(c.high, 1) + "]";
}

std::string ComparisonCaption(const ResultsTable& t) {
  if (!t.has_baselines) return "";
  std::string flagged;
  for (size_t b = 0; b < t.benchmarks.size(); ++b) {
    if (!t.learned[b]) flagged += (flagged.empty() ? "" : ", ") + t.benchmarks[b];
  }
  int random_seeds = 0;
  for (const auto& r : t.rows) {
    if (r.method == t.reference_method) random_seeds = std::max(random_seeds, r.seeds);
  }
  std::string s;
  if (!t.compute_note.empty()) s += t.compute_note + "\n";
  s += "Scores are gains in points over each benchmark's majority-answer baseline (the score of always giving "
       "the benchmark's most common gold answer; first row). Rule: a benchmark where the full-data target does "
       "not clear its baseline (gain <= 0) is flagged † and left out of the mean gain and of Δ";
  s += flagged.empty() ? " (none is)." : ": " + flagged + ".";
  if (std::none_of(t.learned.begin(), t.learned.end(), [](bool l) { return l; })) {
    s += " The full-data target clears no baseline, so there is no mean gain and Δ pools every benchmark.";
  }
  s += "\n" + t.reference_method + ": " + t.reference_method + "'s mean gain at the row's budget, mean ± sample sd over its " +
       std::to_string(random_seeds) + " selection seed(s).";
  s += "\nΔ vs " + t.reference_method + ": the paired per-question difference to " + t.reference_method +
       " (item scores, so accuracy on F1-scored yes/no benchmarks), averaged over the counted benchmarks with equal "
       "weight, mean over the " + t.reference_method + " seeds; [low, high]: from the lowest to the highest of the " +
       Number(100 * t.bootstrap.confidence, 0) + "% paired bootstrap intervals (" +
       std::to_string(t.bootstrap.resamples) + " resamples of the questions, seed " +
       std::to_string(t.bootstrap.seed) + ") against each " + t.reference_method +
       " seed. better / worse: every interval excludes 0 on that side; otherwise tie.";
  return s;
}

std::string ComparisonToMarkdown(const ResultsTable& t) {
  if (!t.has_baselines) return "";
  std::string out = ComparisonCaption(t) + "\n\n| method | budget | steps |";
  std::string rule = "| --- | ---: | ---: |";
  for (size_t b = 0; b < t.benchmarks.size(); ++b) {
    out += " " + t.benchmarks[b] + (t.learned[b] ? "" : " †") + " |";
    rule += " ---: |";
  }
  out += " mean gain | " + t.reference_method + " | Δ vs " + t.reference_method + " [95% CI] | verdict |\n";
  out += rule + " ---: | ---: | ---: | --- |\n";
  std::vector<std::string> base = {"majority baseline", "", ""};
  for (double b : t.baseline) base.push_back(std::isnan(b) ? "–" : Number(b, 1));
  base.resize(base.size() + 4);
  out += MarkdownCells(base);
  GainRow(t.full, t, nullptr, &out);
  for (const auto& row : t.rows) GainRow(row, t, ReferenceRow(t, row.budget), &out);
  if (!t.has_truth) return out;
  out += "\nWhat each subset took, judged by the ground truth (shares of the picks; select/truth.h):\n\n";
  std::vector<std::string> head = {"method", "budget"}, line = {"---", "---:"};
  for (const auto& c : TruthColumns()) {
    head.push_back(c);
    line.push_back("---:");
  }
  out += MarkdownCells(head) + MarkdownCells(line);
  for (const auto& r : TruthRows(t)) {
    std::vector<std::string> cells = {r.label, BudgetText(r.budget)};
    for (auto& text : TruthCellTexts(*r.cells)) cells.push_back(std::move(text));
    out += MarkdownCells(cells);
  }
  return out;
}

json ResultsToJson(const ResultsTable& t) {
  json j = {{"benchmarks", t.benchmarks}, {"full_train_seconds", t.full_train_seconds},
            {"arp_excluded", t.arp_excluded}, {"full", RowJson(t.full, t)}, {"rows", json::array()}};
  for (const auto& r : t.rows) j["rows"].push_back(RowJson(r, t));
  if (t.has_baselines) {
    json base = json::object();
    for (size_t b = 0; b < t.benchmarks.size(); ++b) {
      base[t.benchmarks[b]] = {{"score", std::isnan(t.baseline[b]) ? json(nullptr) : json(t.baseline[b])},
                               {"answer", t.baseline_answer[b]},
                               {"learned", static_cast<bool>(t.learned[b])}};
    }
    j["majority_baseline"] = base;
    j["compared_benchmarks"] = t.compared;
    j["reference_method"] = t.reference_method;
    j["bootstrap"] = {{"resamples", t.bootstrap.resamples}, {"confidence", t.bootstrap.confidence},
                      {"seed", t.bootstrap.seed}};
    j["compute"] = t.compute_note;
    j["caption"] = ComparisonCaption(t);
  }
  return j;
}

}  // namespace xmas::experiment
