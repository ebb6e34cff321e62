// `xmas select`: choose a training subset with XMAS or a baseline.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>

#include "command.h"
#include "xmas/data/selection_list.h"
#include "xmas/select/explain.h"
#include "xmas/select/methods.h"
#include "xmas/select/select.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/enum_names.h"

namespace {

struct Args {
  xmas::select::SelectOptions o;
  std::string budget;
  // The enums as typed (select::NamedSettings): compat, features, order and
  // embeddings start as the names of SelectOptions' defaults (shown in
  // --help); within, normalize, dedup and text_quota as "" (the mode's).
  xmas::select::NamedSettings names{xmas::NameOf(xmas::select::kCompatNames, o.compat), "sum",
                                    xmas::NameOf(xmas::select::kOutputOrderNames, o.order),
                                    xmas::NameOf(xmas::select::kEmbedNormNames, o.embed_norm)};
  std::string indices_out, ids_out;
};

// The report as JSON (what --indices-out, --ids-out and --explain read back).
nlohmann::json ReadReport(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return nlohmann::json::parse(in, nullptr, false);
}

// --indices-out / --ids-out: the chosen records' indices (file order) and
// ids, from the report's chosen_indices / chosen_ids (docs/formats.md).
xmas::Status WriteLists(const Args& a) {
  if (a.indices_out.empty() && a.ids_out.empty()) return xmas::Status::Ok();
  const nlohmann::json report = ReadReport(a.o.report);
  if (report.is_discarded() || !report.contains("chosen_indices") || !report.contains("chosen_ids")) {
    return xmas::Status::Internal(a.o.report + ": cannot read chosen_indices / chosen_ids back");
  }
  const auto indices = report["chosen_indices"].get<std::vector<size_t>>();
  const auto ids = report["chosen_ids"].get<std::vector<std::string>>();
  std::vector<size_t> order(indices.size());  // positions, sorted by record index: file order
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return indices[x] < indices[y]; });
  std::vector<std::string> file_order_ids;
  for (size_t k : order) file_order_ids.push_back(ids.at(k));
  if (!a.indices_out.empty()) XMAS_RETURN_IF_ERROR(xmas::data::WriteIndexList(a.indices_out, indices));
  if (!a.ids_out.empty()) XMAS_RETURN_IF_ERROR(xmas::data::WriteIdList(a.ids_out, file_order_ids));
  return xmas::Status::Ok();
}

// --explain: the report's per-cluster view as a table on stdout.
xmas::Status PrintExplain(const Args& a) {
  if (!a.o.explain) return xmas::Status::Ok();
  const nlohmann::json report = ReadReport(a.o.report);
  if (report.is_discarded() || !report.contains("explain")) {
    return xmas::Status::Internal(a.o.report + ": cannot read explain back");
  }
  std::cout << xmas::select::ExplainTable(report["explain"]);
  if (report.contains("feature_diagnostics")) std::cout << report["feature_diagnostics"].dump(1) << "\n";
  return xmas::Status::Ok();
}

xmas::Status Run(Args& a) {
  using namespace xmas::select;
  XMAS_ASSIGN_OR_RETURN(a.o.budget, Budget::Parse(a.budget));
  XMAS_RETURN_IF_ERROR(ApplyNamedSettings(a.names, &a.o));
  for (const std::string* out : {&a.indices_out, &a.ids_out}) {
    if (!out->empty()) XMAS_RETURN_IF_ERROR(xmas::CheckOutputIsNotInput(*out, {a.o.data, a.o.trajectories, a.o.output}));
  }
  if (!(a.indices_out.empty() && a.ids_out.empty()) || a.o.explain) {
    a.o.report = xmas::select::ReportPath(a.o);  // made explicit so WriteLists can read it back
  }
  XMAS_RETURN_IF_ERROR(RunSelect(a.o));
  XMAS_RETURN_IF_ERROR(WriteLists(a));
  return PrintExplain(a);
}

void AddSelect(CLI::App& app) {
  auto* cmd = app.add_subcommand("select", "Choose a training subset (XMAS or a baseline)");
  auto a = std::make_shared<Args>();
  auto& o = a->o;
  cmd->add_option("--trajectories", o.trajectories,
                  "Feature store, or folder of the authors' checkpoint-*_attn_svd_*.json files");
  cmd->add_option("--data", o.data, "LLaVA JSON the trajectories were computed on")->required();
  cmd->add_option("--budget", a->budget, "Subset size: a percentage (20%) or a count (5000)")->required();
  cmd->add_option("-o,--output", o.output, "Subset to write (JSON array, or JSON Lines when the data is JSON Lines)")->required();
  cmd->add_option("--report", o.report, "Report JSON (default: <output>.report.json)");
  cmd->add_option("--indices-out", a->indices_out,
                  "Also write the chosen 0-based record indices in file order: F.npy (int64) or F.txt");
  cmd->add_option("--ids-out", a->ids_out, "Also write the chosen records' ids, one per line, in file order");
  cmd->add_option("--method", o.method, xmas::select::MethodHelp())
      ->check(CLI::IsMember(xmas::select::MethodNames()))
      ->capture_default_str();
  cmd->add_option("--truth", o.truth, "truth.json of the data (xmas demo-data): report truth_metrics; oracle/anti");
  cmd->add_option("--compat", a->names.compat, "default, or official: reproduce the authors' scripts exactly")
      ->check(CLI::IsMember(xmas::EnumNames(xmas::select::kCompatNames)))
      ->capture_default_str();
  cmd->add_option("--features", a->names.features, "sum: Σ top-k per checkpoint; all: keep the k values")
      ->check(CLI::IsMember({"sum", "all"}))
      ->capture_default_str();
  cmd->add_flag("--standardize", o.standardize, "z-score every trajectory dimension before k-means");
  cmd->add_option("--normalize", a->names.normalize, std::string("xmas trajectories: none (the authors' raw sum), shape (each divided "
                  "by its mean) or residual (log, magnitude regressed out); default ") +
                  xmas::NameOf(xmas::select::kNormalizeNames, o.normalize) + ", official none")
      ->check(CLI::IsMember(xmas::EnumNames(xmas::select::kNormalizeNames)));
  cmd->add_option("--dedup", a->names.dedup, std::string("xmas: skip copies of a picked record until every cluster is exhausted: "
                  "none, key (same id and image), trajectory (key, or equal trajectories); default ") +
                  xmas::NameOf(xmas::select::kDedupNames, o.dedup) + ", official none")
      ->check(CLI::IsMember(xmas::EnumNames(xmas::select::kDedupNames)));
  cmd->add_option("--text-quota", a->names.text_quota, "xmas: the text-only examples' quota: share (their share of the "
                  "data; default) or cluster (one cluster among the image clusters, as the authors; official)")
      ->check(CLI::IsMember({"share", "cluster"}));
  cmd->add_flag("--explain", o.explain, "Print (and report) per cluster: size, quota, taken, skipped duplicates; "
                "with --truth also mean length and task mix, and how the features relate to length and task");
  cmd->add_option("--top-k", o.top_k, "Singular values per checkpoint (default: from the files)");
  cmd->add_option("--clusters", o.clusters, "k-means clusters (default round(sqrt(N/2)), at most budget/20, "
                  "in [2, 1000]; official 1000)");
  cmd->add_option("--iterations", o.kmeans.iterations, "k-means iterations at most (official: exactly)")
      ->capture_default_str();
  cmd->add_option("--tolerance", o.kmeans.tolerance,
                  "k-means stops when an iteration improves its objective by less than this fraction "
                  "(0: only when no assignment changes; ignored by --compat official)")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed for k-means and every random choice (official mode: "
                  "only the text-only draw, as random.seed; FAISS keeps its 1234)")->capture_default_str();
  cmd->add_option("--within", a->names.within, std::string("Order inside clusters: stability (most stable first), random, centroid, "
                  "stratified (spread over the stability range); default ") +
                  xmas::NameOf(xmas::select::kWithinNames, o.within) + ", official stability")
      ->check(CLI::IsMember(xmas::EnumNames(xmas::select::kWithinNames)));
  cmd->add_option("--order", a->names.order, "Subset order: auto (dataset; official: sampling), dataset, sampling")
      ->check(CLI::IsMember(xmas::EnumNames(xmas::select::kOutputOrderNames)))
      ->capture_default_str();
  cmd->add_option("--write-official", o.write_official_dir, "Also write the authors' cluster/stability JSON here");
  cmd->add_flag("--official-format", o.official_format, "Write the subset as Python's json.dump(indent=4)");
  cmd->add_option("--threads", o.threads, "Threads (default: all cores; official mode: the authors' run's, "
                  "OMP_NUM_THREADS, MKL_NUM_THREADS or the physical cores, as PyTorch sets it)");
  cmd->add_option("--band", o.band, "el2n/perplexity/clip-score: low, middle or high scores (default: the method's)");
  cmd->add_option("--epsilon", o.semdedup_eps, "semdedup: drop cosine above 1 - epsilon")->capture_default_str();
  cmd->add_option("--knn", o.knn, "d2-pruning: neighbours in the graph")->capture_default_str();
  cmd->add_option("--gamma", o.gamma, "d2-pruning / coincide kernel width")->capture_default_str();
  cmd->add_option("--temperature", o.temperature, "coincide: softmax temperature")->capture_default_str();
  cmd->add_option("--embeddings", a->names.embeddings, "semdedup/d2-pruning/coincide/clip-score: raw, or centred on "
                  "the data's mean before the unit scaling")
      ->check(CLI::IsMember(xmas::EnumNames(xmas::select::kEmbedNormNames)))
      ->capture_default_str();
  xmas::cli::SetAction(cmd, [a] { return Run(*a); });
}
XMAS_COMMAND("select", AddSelect);

}  // namespace
