#include "xmas/experiment/runner.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "xmas/data/dataset.h"
#include "xmas/eval/eval_report.h"
#include "xmas/experiment/report_builder.h"
#include "xmas/experiment/results_inputs.h"
#include "xmas/experiment/results_table.h"
#include "xmas/experiment/runner_steps.h"
#include "xmas/select/methods.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace xmas::experiment {
namespace fs = std::filesystem;
using internal::RunContext;
using internal::SelectionRun;
using nlohmann::json;

namespace {

// The eval tag (and table row) of the target after pretraining, before any
// instruction tuning: the floor the fine-tuned targets should clear.
constexpr const char* kPretrainedTag = "pretrain-only";

// Everything the study has produced so far (for the table and the report).
struct Progressed {
  std::vector<SelectionRun> runs;
  bool full_evaluated = false;
  StepStamp full_target, full_eval;
  bool pretrained_evaluated = false;  // the target before fine-tuning: the table's floor
  double proxy_seconds = 0;       // proxy pretrain + finetune + trajectories
  bool has_store = false;
  StepStamp store;
  std::optional<data::Dataset> dataset;
  std::vector<std::string> notes;
};

std::vector<SelectionRun> Plan(const ExperimentConfig& c) {
  std::vector<SelectionRun> runs;
  std::vector<double> budgets = c.selection.budgets;
  std::sort(budgets.begin(), budgets.end());
  for (double b : budgets) {
    for (const auto& m : c.selection.methods) {
      std::vector<uint64_t> seeds = c.selection.seeds;
      const select::Method* method = select::FindMethod(m);  // known: the config was checked
      if (method == nullptr || !method->per_seed) seeds.resize(1);  // deterministic given the seed: one run
      for (uint64_t s : seeds) {
        SelectionRun r;
        r.method = m;
        r.budget = b;
        r.seed = s;
        r.tag = RunTag(m, b, s);
        r.needs_proxy = !select::FeaturesForMethods({m}).empty();
        runs.push_back(r);
      }
    }
  }
  return runs;
}

int CountSteps(const ExperimentConfig& c, const std::vector<SelectionRun>& runs, bool selection_only) {
  bool proxy = !select::FeaturesForMethods(c.selection.methods).empty();
  int n = (c.data.uses_demo() ? 1 : 0) + (c.tokenizer.path.empty() ? 1 : 0);
  if (proxy) n += (c.proxy.pretrain_enabled ? 1 : 0) + 2;
  n += static_cast<int>(runs.size());
  if (!selection_only) n += (c.target.pretrain_enabled ? 2 : 0) + 2 + 2 * static_cast<int>(runs.size());
  return n;
}

Result<eval::EvalReport> ReadScores(RunContext* ctx, const std::string& tag) {
  std::string path = ctx->Path("eval/" + tag + "/scores.json");
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return eval::EvalReportFromJson(text, path);
}

// The optional pretrain stage of the proxy or the target (`role`). When it
// runs, `spec` leaves with init/init_stamp pointing at its final weights, so
// the fine-tune stage starts from them; otherwise `spec` is untouched.
Status RunPretrain(RunContext* ctx, const ModelSettings& model, const std::string& role,
                   internal::TrainSpec* spec) {
  if (!model.pretrain_enabled || ctx->data.pretrain.empty()) return Status::Ok();
  spec->label = role + " pretrain";
  spec->out = ctx->Path(role + "/pretrain");
  spec->stage = "pretrain";
  spec->data = ctx->data.pretrain;
  spec->data_stamp = ctx->data.stamp;
  spec->recipe = &model.pretrain;
  XMAS_ASSIGN_OR_RETURN(spec->init_stamp, internal::TrainStep(ctx, *spec));
  spec->init = files::FinalDir(spec->out);
  return Status::Ok();
}

// Pretrain (optional) then fine-tune the proxy on the full data; then the store.
Status RunProxy(RunContext* ctx, Progressed* p) {
  const ExperimentConfig& c = ctx->config();
  internal::TrainSpec spec;
  spec.model = &c.proxy;
  XMAS_RETURN_IF_ERROR(RunPretrain(ctx, c.proxy, "proxy", &spec));
  p->proxy_seconds += spec.init_stamp.seconds;
  spec.label = "proxy finetune";
  spec.out = ctx->Path("proxy/finetune");
  spec.stage = "finetune";
  spec.data = ctx->data.train;
  spec.recipe = &c.proxy.finetune;
  XMAS_ASSIGN_OR_RETURN(StepStamp proxy, internal::TrainStep(ctx, spec));
  p->proxy_seconds += proxy.seconds;
  XMAS_ASSIGN_OR_RETURN(StepStamp store, internal::TrajectoryStep(ctx, spec.out, proxy,
                                                                 select::FeaturesForMethods(c.selection.methods)));
  p->proxy_seconds += store.seconds;
  p->has_store = true;
  p->store = store;
  return Status::Ok();
}

Status RunTargets(RunContext* ctx, Progressed* p) {
  const ExperimentConfig& c = ctx->config();
  internal::TrainSpec spec;
  spec.model = &c.target;
  XMAS_RETURN_IF_ERROR(RunPretrain(ctx, c.target, "target", &spec));
  if (!spec.init.empty()) {  // how the target scores before any instruction tuning
    XMAS_RETURN_IF_ERROR(internal::EvalStep(ctx, kPretrainedTag, spec.out, spec.init_stamp).status());
    p->pretrained_evaluated = true;
  }
  spec.stage = "finetune";
  // Equal epochs: the config's recipe; equal steps: the same max_steps for all.
  const TrainSettings recipe = TargetFinetuneRecipe(c.target, p->dataset ? p->dataset->size() : 0);
  spec.recipe = &recipe;
  spec.label = "target full";
  spec.out = ctx->Path("target/full");
  spec.data = ctx->data.train;
  spec.data_stamp = ctx->data.stamp;
  XMAS_ASSIGN_OR_RETURN(p->full_target, internal::TrainStep(ctx, spec));
  XMAS_ASSIGN_OR_RETURN(p->full_eval, internal::EvalStep(ctx, "full", spec.out, p->full_target));
  p->full_evaluated = true;
  for (auto& r : p->runs) {
    spec.label = "target " + r.tag;
    spec.out = ctx->Path("target/" + r.tag);
    spec.data = ctx->Path("select/" + r.tag + "/subset.json");
    spec.data_stamp = r.select;
    XMAS_ASSIGN_OR_RETURN(r.target, internal::TrainStep(ctx, spec));
    r.trained = true;
    XMAS_ASSIGN_OR_RETURN(r.eval, internal::EvalStep(ctx, r.tag, spec.out, r.target));
    r.evaluated = true;
  }
  return Status::Ok();
}

Status RunAll(RunContext* ctx, const RunnerOptions& options, Progressed* p) {
  const ExperimentConfig& c = ctx->config();
  XMAS_RETURN_IF_ERROR(internal::PrepareData(ctx));
  XMAS_RETURN_IF_ERROR(internal::PrepareTokenizer(ctx));
  if (!select::FeaturesForMethods(c.selection.methods).empty()) XMAS_RETURN_IF_ERROR(RunProxy(ctx, p));
  data::LoadOptions load;
  load.show_progress = false;
  XMAS_ASSIGN_OR_RETURN(data::Dataset ds, data::Dataset::Load(ctx->data.train, load));
  p->dataset.emplace(std::move(ds));
  for (auto& r : p->runs) {
    XMAS_ASSIGN_OR_RETURN(r.select, internal::SelectStep(ctx, *p->dataset, r.method, r.budget, r.seed,
                                                         r.needs_proxy ? &p->store : nullptr));
    r.selected = true;
  }
  if (options.selection_only) {
    p->notes.push_back("selection only: no target was trained or evaluated");
    return Status::Ok();
  }
  return RunTargets(ctx, p);
}

// The ground truth of demo data (truth.json beside train.json); none otherwise
// or when it cannot be read (a note says why).
std::optional<select::Truth> LoadTruth(RunContext* ctx, std::vector<std::string>* notes) {
  if (!ctx->config().data.uses_demo()) return std::nullopt;
  std::string path = fs::path(ctx->data.train).parent_path().string() + "/truth.json";
  auto truth = select::Truth::Load(path);
  if (!truth.ok()) {
    notes->push_back("no intrinsic metrics: " + truth.status().message());
    return std::nullopt;
  }
  return std::move(*truth);
}

// The intrinsic metrics of select/<tag>'s subset.
std::optional<select::TruthMetrics> SubsetTruth(RunContext* ctx, const select::Truth& truth, const std::string& tag) {
  auto text = ReadFile(ctx->Path("select/" + tag + "/selection.json"));
  if (!text.ok()) return std::nullopt;
  json info = json::parse(*text, nullptr, false);
  if (!info.is_object() || !info.contains("chosen") || !info["chosen"].is_array()) return std::nullopt;
  std::vector<size_t> chosen = info["chosen"].get<std::vector<size_t>>();
  for (size_t i : chosen) {
    if (i >= truth.records.size()) return std::nullopt;
  }
  return select::ComputeTruthMetrics(truth, chosen);
}

// One evaluated target: scores, per-question scores, steps.
Result<RunResult> ReadRun(RunContext* ctx, const std::string& tag, const std::string& target_run) {
  XMAS_ASSIGN_OR_RETURN(eval::EvalReport report, ReadScores(ctx, tag));
  RunResult rr;
  rr.scores = report.Scores();
  XMAS_ASSIGN_OR_RETURN(rr.item_scores, internal::LoadItemScores(ctx->Path("eval/" + tag), report));
  if (!target_run.empty()) rr.train_steps = internal::TrainedSteps(target_run);
  return rr;
}

// The results of every evaluated run, relative to the full-data target, with
// gains over the majority baselines, intrinsic metrics and CIs against random.
Result<std::optional<ResultsTable>> Tabulate(RunContext* ctx, const Progressed& p, std::vector<std::string>* notes) {
  if (!p.full_evaluated) return std::optional<ResultsTable>();
  const ExperimentConfig& c = ctx->config();
  const size_t n = p.dataset ? p.dataset->size() : 0;
  std::optional<select::Truth> truth = LoadTruth(ctx, notes);
  XMAS_ASSIGN_OR_RETURN(RunResult full, ReadRun(ctx, "full", ctx->Path("target/full")));
  full.method = "full";
  full.train_seconds = p.full_target.seconds;
  full.examples = n;
  if (truth && truth->records.size() == n) {
    std::vector<size_t> all(n);
    for (size_t i = 0; i < n; ++i) all[i] = i;
    full.truth = select::ComputeTruthMetrics(*truth, all);
  }
  std::vector<RunResult> results;
  if (p.pretrained_evaluated) {
    XMAS_ASSIGN_OR_RETURN(RunResult rr, ReadRun(ctx, kPretrainedTag, ""));
    rr.method = kPretrainedTag;
    rr.budget = 0;
    results.push_back(std::move(rr));
  }
  for (const auto& r : p.runs) {
    if (!r.evaluated) continue;
    XMAS_ASSIGN_OR_RETURN(RunResult rr, ReadRun(ctx, r.tag, ctx->Path("target/" + r.tag)));
    rr.method = r.method;
    rr.budget = r.budget;
    rr.seed = r.seed;
    rr.selection_seconds = r.select.seconds + (r.needs_proxy ? p.proxy_seconds : 0);
    rr.train_seconds = r.target.seconds;
    if (truth) rr.truth = SubsetTruth(ctx, *truth, r.tag);
    results.push_back(std::move(rr));
  }
  TableOptions options;
  auto baselines = internal::LoadBaselines(ctx->data.bench, c.eval.limit);
  if (baselines.ok()) {
    options.baselines = std::move(*baselines);
  } else {
    notes->push_back("no majority-answer baselines: " + baselines.status().message());
  }
  options.compute_note = DescribeCompute(c.target, n);
  return std::optional<ResultsTable>(BuildResultsTable(results, full, options));
}

Status WriteOutputs(RunContext* ctx, const Progressed& p, const Status& run_status, ExperimentOutcome* out) {
  out->notes = p.notes;
  XMAS_ASSIGN_OR_RETURN(std::optional<ResultsTable> table, Tabulate(ctx, p, &out->notes));
  if (!run_status.ok()) out->notes.push_back("stopped early: " + run_status.message());
  if (table) {
    out->results_markdown = ResultsToMarkdown(*table);
    out->results_md_path = ctx->Path("results.md");
    out->results_csv_path = ctx->Path("results.csv");
    out->results_json_path = ctx->Path("results.json");
    XMAS_RETURN_IF_ERROR(WriteFileAtomic(out->results_json_path, ResultsToJson(*table).dump(2) + "\n"));
    XMAS_RETURN_IF_ERROR(WriteFileAtomic(out->results_md_path, "# " + ctx->config().name + "\n\n" +
                                                                   out->results_markdown));
    XMAS_RETURN_IF_ERROR(WriteFileAtomic(out->results_csv_path, ResultsToCsv(*table)));
  }
  internal::ReportInputs in{ctx, &p.runs, p.dataset ? &*p.dataset : nullptr, p.has_store,
                            table ? &*table : nullptr, out->notes};
  out->report_path = ctx->Path("report.html");
  return WriteFileAtomic(out->report_path, RenderReportHtml(internal::BuildReportData(in)));
}

}  // namespace

std::string RunTag(const std::string& method, double budget, uint64_t seed) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", budget);
  return method + "-" + buf + "-s" + std::to_string(seed);
}

Result<ExperimentOutcome> RunExperiment(const ExperimentConfig& config, const RunnerOptions& options) {
  ExperimentOutcome outcome;
  outcome.out_dir = options.out_dir.empty() ? "runs/" + config.name : options.out_dir;
  std::error_code ec;
  fs::create_directories(outcome.out_dir, ec);
  if (ec) return Status::IoError(outcome.out_dir + ": cannot create: " + ec.message());
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(files::ExperimentConfigPath(outcome.out_dir), ConfigToJson(config).dump(2) + "\n"));
  Progressed p;
  p.runs = Plan(config);
  RunContext ctx(config, outcome.out_dir, CountSteps(config, p.runs, options.selection_only));
  Status st = RunAll(&ctx, options, &p);
  Status written = WriteOutputs(&ctx, p, st, &outcome);
  for (const auto& step : ctx.steps()) ++(step.cached ? outcome.steps_cached : outcome.steps_run);
  if (!st.ok()) return st.WithPrefix("experiment '" + config.name + "' (report so far: " + outcome.report_path + ")");
  XMAS_RETURN_IF_ERROR(written);
  return outcome;
}

}  // namespace xmas::experiment
