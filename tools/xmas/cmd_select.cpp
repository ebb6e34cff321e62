// `xmas select`: choose a training subset with XMAS or a baseline.
#include <memory>

#include "command.h"
#include "xmas/select/select.h"

namespace {

struct Args {
  xmas::select::SelectOptions o;
  std::string budget, compat = "default", within = "stability", order = "auto", features = "sum";
};

xmas::Status Run(Args& a) {
  using namespace xmas::select;
  XMAS_ASSIGN_OR_RETURN(a.o.budget, Budget::Parse(a.budget));
  a.o.compat = a.compat == "official" ? Compat::kOfficial : Compat::kDefault;
  a.o.within = a.within == "random" ? Within::kRandom : a.within == "centroid" ? Within::kCentroid : Within::kStability;
  a.o.order = a.order == "dataset" ? OutputOrder::kDataset : a.order == "sampling" ? OutputOrder::kSampling : OutputOrder::kAuto;
  a.o.keep_all_k = a.features == "all";
  if (a.o.compat == Compat::kOfficial && (a.o.keep_all_k || a.o.standardize || a.o.within != Within::kStability)) {
    return xmas::Status::Usage("--compat official reproduces the authors' recipe: no --features all, --standardize or --within");
  }
  if (a.o.method != "random" && a.o.trajectories.empty()) {
    return xmas::Status::Usage("--method " + a.o.method + " needs --trajectories");
  }
  return RunSelect(a.o);
}

void AddSelect(CLI::App& app) {
  auto* cmd = app.add_subcommand("select", "Choose a training subset (XMAS or a baseline)");
  auto a = std::make_shared<Args>();
  auto& o = a->o;
  cmd->add_option("--trajectories", o.trajectories,
                  "Feature store, or folder of the authors' checkpoint-*_attn_svd_*.json files");
  cmd->add_option("--data", o.data, "LLaVA JSON the trajectories were computed on")->required();
  cmd->add_option("--budget", a->budget, "Subset size: a percentage (20%) or a count (5000)")->required();
  cmd->add_option("-o,--output", o.output, "Subset JSON to write")->required();
  cmd->add_option("--report", o.report, "Report JSON (default: <output>.report.json)");
  cmd->add_option("--method", o.method, "xmas, random, s2l, el2n, perplexity, clip-score, semdedup, d2-pruning, coincide")
      ->check(CLI::IsMember(xmas::select::MethodNames()));
  cmd->add_option("--compat", a->compat, "default, or official: reproduce the authors' scripts exactly")
      ->check(CLI::IsMember({"default", "official"}));
  cmd->add_option("--features", a->features, "sum: Σ top-k per checkpoint; all: keep the k values")
      ->check(CLI::IsMember({"sum", "all"}));
  cmd->add_flag("--standardize", o.standardize, "z-score every trajectory dimension before k-means");
  cmd->add_option("--top-k", o.top_k, "Singular values per checkpoint (default: from the files)");
  cmd->add_option("--clusters", o.clusters, "k-means clusters (default N/665 in [1, 1000]; official 1000)");
  cmd->add_option("--iterations", o.iterations, "k-means iterations at most (default 100; official: exactly)");
  cmd->add_option("--tolerance", o.tolerance,
                  "k-means stops when an iteration improves its objective by less than this fraction "
                  "(default 3e-4; 0: only when no assignment changes; ignored by --compat official)");
  cmd->add_option("--seed", o.seed, "Seed for k-means and every random choice (default 1234; official mode: "
                  "only the text-only draw, as random.seed; FAISS keeps its 1234)");
  cmd->add_option("--within", a->within, "Order inside clusters: stability, random, centroid")
      ->check(CLI::IsMember({"stability", "random", "centroid"}));
  cmd->add_option("--order", a->order, "Subset order: auto (dataset; official: sampling), dataset, sampling")
      ->check(CLI::IsMember({"auto", "dataset", "sampling"}));
  cmd->add_option("--write-official", o.write_official_dir, "Also write the authors' cluster/stability JSON here");
  cmd->add_flag("--official-format", o.official_format, "Write the subset as Python's json.dump(indent=4)");
  cmd->add_option("--threads", o.threads, "Threads (default: all cores; official mode: the authors' run's, "
                  "OMP_NUM_THREADS, MKL_NUM_THREADS or the physical cores, as PyTorch sets it)");
  cmd->add_option("--band", o.band, "el2n/perplexity/clip-score: low, middle or high scores");
  cmd->add_option("--epsilon", o.semdedup_eps, "semdedup: drop cosine above 1 - epsilon (default 0.05)");
  cmd->add_option("--knn", o.knn, "d2-pruning: neighbours in the graph (default 10)");
  cmd->add_option("--gamma", o.gamma, "d2-pruning / coincide kernel width (default 1)");
  cmd->add_option("--temperature", o.temperature, "coincide: softmax temperature (default 0.1)");
  xmas::cli::SetAction(cmd, [a] { return Run(*a); });
}
XMAS_COMMAND("select", AddSelect);

}  // namespace
