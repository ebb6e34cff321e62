#include "xmas/select/explain.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <sstream>

namespace xmas::select {
namespace {

using nlohmann::json;

json Entry(const ClusterVisit& v, bool dropped, const std::vector<size_t>& members,
           const std::vector<size_t>& taken, const Truth* truth) {
  json e = {{"cluster", v.cluster}, {"size", v.size},       {"quota", v.quota},
            {"taken", v.taken},     {"skipped", v.skipped}, {"dropped", dropped}};
  if (truth == nullptr) return e;
  std::map<std::string, size_t> tasks, taken_tasks;
  double words = 0;
  for (size_t i : members) {
    ++tasks[truth->records[i].task];
    words += truth->records[i].words_after_image;
  }
  for (size_t i : taken) ++taken_tasks[truth->records[i].task];
  e["mean_words"] = members.empty() ? 0.0 : words / static_cast<double>(members.size());
  e["tasks"] = tasks;
  e["taken_tasks"] = taken_tasks;
  return e;
}

// Average ranks (1-based) of the values.
std::vector<double> Ranks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = (static_cast<double>(i + j) / 2.0) + 1.0;
    i = j + 1;
  }
  return rank;
}

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : std::nan("");
}

double Entropy(const std::map<int64_t, double>& counts, double n) {
  double h = 0;
  for (const auto& [label, c] : counts) h -= c / n * std::log(c / n);
  return h;
}

// Length decile (0..9) of every value, by rank.
std::vector<int64_t> Deciles(const std::vector<double>& x) {
  const std::vector<double> rank = Ranks(x);
  std::vector<int64_t> d(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    d[i] = std::min<int64_t>(9, static_cast<int64_t>((rank[i] - 1) * 10 / static_cast<double>(x.size())));
  }
  return d;
}

}  // namespace

json ExplainClusters(const Selection& s, const Truth* truth) {
  std::map<int64_t, std::vector<size_t>> members, taken;
  for (size_t i = 0; i < s.cluster_of.size(); ++i) members[s.cluster_of[i]].push_back(i);
  for (size_t i : s.chosen) {
    if (i < s.cluster_of.size()) taken[s.cluster_of[i]].push_back(i);
  }
  json out = json::array();
  for (const auto& v : s.visits) out.push_back(Entry(v, false, members[v.cluster], taken[v.cluster], truth));
  for (const auto& v : s.dropped) out.push_back(Entry(v, true, members[v.cluster], taken[v.cluster], truth));
  return out;
}

std::string ExplainTable(const json& explain) {
  std::ostringstream t;
  t << "cluster   size  quota  taken  skipped  mean_words  tasks (taken/members)\n";
  for (const json& e : explain) {
    t << e["cluster"].get<int64_t>() << (e["dropped"].get<bool>() ? "*" : "") << "\t" << e["size"] << "\t"
      << e["quota"] << "\t" << e["taken"] << "\t" << e["skipped"] << "\t";
    if (e.contains("mean_words")) {
      t << std::to_string(e["mean_words"].get<double>()).substr(0, 5) << "\t";
      for (const auto& [task, n] : e["tasks"].items()) {
        const size_t took = e["taken_tasks"].contains(task) ? e["taken_tasks"][task].get<size_t>() : 0;
        t << " " << task << " " << took << "/" << n.get<size_t>();
      }
    } else {
      t << "-";
    }
    t << "\n";
  }
  t << "(* = dropped: fewer than 3 members)\n";
  return t.str();
}

double Spearman(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> x, y;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (!std::isnan(a[i]) && !std::isnan(b[i])) x.push_back(a[i]), y.push_back(b[i]);
  }
  if (x.size() < 3) return std::nan("");
  return Pearson(Ranks(x), Ranks(y));
}

double NormalizedMutualInformation(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::map<int64_t, double> ca, cb;
  std::map<std::pair<int64_t, int64_t>, double> cab;
  for (size_t i = 0; i < a.size(); ++i) ++ca[a[i]], ++cb[b[i]], ++cab[{a[i], b[i]}];
  const double n = static_cast<double>(a.size());
  const double ha = Entropy(ca, n), hb = Entropy(cb, n);
  if (ha + hb == 0) return 1.0;
  double mi = 0;
  for (const auto& [ab, c] : cab) mi += c / n * std::log(c * n / (ca[ab.first] * cb[ab.second]));
  return 2 * mi / (ha + hb);
}

json FeatureDiagnostics(const Selection& s, const Truth& truth) {
  if (s.magnitude.empty() || s.feature_cols == 0) return nullptr;
  std::vector<size_t> rec;  // records with a trajectory that k-means clustered
  for (size_t i = 0; i < s.magnitude.size(); ++i) {
    if (!std::isnan(s.magnitude[i]) && !std::isnan(s.features[i * s.feature_cols])) rec.push_back(i);
  }
  std::vector<double> words, magnitude;
  std::vector<int64_t> cluster, task;
  std::map<std::string, int64_t> task_id;
  for (size_t i : rec) {
    words.push_back(truth.records[i].words_after_image);
    magnitude.push_back(s.magnitude[i]);
    cluster.push_back(s.cluster_of[i]);
    task.push_back(task_id.emplace(truth.records[i].task, static_cast<int64_t>(task_id.size())).first->second);
  }
  json columns = json::array();
  double worst = 0;
  for (size_t c = 0; c < s.feature_cols; ++c) {
    std::vector<double> col;
    for (size_t i : rec) col.push_back(s.features[i * s.feature_cols + c]);
    const double rho = Spearman(col, words);
    columns.push_back(std::isnan(rho) ? json(nullptr) : json(rho));
    if (!std::isnan(rho)) worst = std::max(worst, std::fabs(rho));
  }
  const double raw = Spearman(magnitude, words);
  return {{"records", rec.size()},
          {"spearman_words_raw_magnitude", std::isnan(raw) ? json(nullptr) : json(raw)},
          {"spearman_words_features", columns},
          {"max_abs_spearman_words_features", worst},
          {"nmi_clusters_task", NormalizedMutualInformation(cluster, task)},
          {"nmi_clusters_length_decile", NormalizedMutualInformation(cluster, Deciles(words))}};
}

}  // namespace xmas::select
