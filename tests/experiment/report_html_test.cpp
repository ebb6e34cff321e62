#include "xmas/experiment/report_html.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "../common/scratch_dir.h"
#include "xmas/experiment/svg.h"

namespace xmas::experiment {
namespace {
using testing::ScratchDir;
using testing::WriteText;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

ReportData FullReport() {
  RunResult full;
  full.method = "full";
  full.scores = {{"colors", 40}, {"count & <shape>", 60}};
  full.train_seconds = 100;
  full.item_scores = {{"colors", {1, 0, 1, 0}}, {"count & <shape>", {1, 1, 0, 1}}};
  select::TruthMetrics truth;
  truth.redundant_copy_share = 0.25;
  full.truth = truth;
  std::vector<RunResult> runs;
  for (double budget : {20.0, 50.0}) {
    for (uint64_t seed : {0, 1, 2}) {
      RunResult r = full;
      r.method = "random";
      r.budget = budget;
      r.seed = seed;
      r.scores = {{"colors", 30 + seed + budget / 10}, {"count & <shape>", 50 - seed}};
      r.train_seconds = budget;
      runs.push_back(r);
    }
    RunResult x = full;
    x.method = "xmas";
    x.budget = budget;
    x.scores = {{"colors", 38}, {"count & <shape>", 61}};
    x.selection_seconds = 30;
    x.train_seconds = budget;
    x.item_scores = {{"colors", {1, 1, 1, 1}}, {"count & <shape>", {1, 1, 1, 1}}};
    runs.push_back(x);
  }
  TableOptions options;
  options.baselines["colors"] = eval::MajorityBaseline{"red", 4, 25};
  options.baselines["count & <shape>"] = eval::MajorityBaseline{"2", 4, 75};  // not cleared: flagged
  options.bootstrap.resamples = 200;
  options.compute_note = "Compute: equal steps <all>.";
  ReportData d;
  d.title = "Experiment \"demo\"";
  d.subtitle = "configs/demo.json";
  d.config_json = "{\"a\": \"<b>\"}";
  d.has_results = true;
  d.table = BuildResultsTable(runs, full, options);
  d.checkpoint_steps = {10, 20, 30, 40};
  std::vector<float> traj;
  std::vector<int64_t> cluster;
  for (int i = 0; i < 60; ++i) {
    for (int t = 0; t < 4; ++t) traj.push_back(static_cast<float>(i % 5 + t * (i % 3)));
    cluster.push_back(i % 7 == 0 ? -1 : i % 6);
  }
  d.clusters = SampleClusterCurves(traj, 4, cluster, 4);
  d.cluster_sizes = ClusterSizes(cluster);
  d.compositions = {{"full data", {{"coco", 60}, {"ocr", 30}, {"text-only", 10}}},
                    {"xmas 20%", {{"coco", 10}, {"ocr", 8}, {"text-only", 2}}}};
  d.timings = {{"proxy fine-tuning", 12.5, false}, {"target full", 100, true}};
  d.notes = {"a note"};
  return d;
}

TEST(ReportHtml, HasEverySectionAndEscapesText) {
  std::string html = RenderReportHtml(FullReport());
  for (const char* id : {"results", "arp", "benchmarks", "trajectories", "clusters", "composition",
                         "timings", "config"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  // arp + 2 per-budget bar charts + trajectories + cluster sizes + composition + timings
  EXPECT_EQ(Count(html, "<svg "), 7u);
  EXPECT_NE(html.find("count &amp; &lt;shape&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<shape>"), std::string::npos);
  EXPECT_NE(html.find("random (3 seeds)"), std::string::npos);
  EXPECT_NE(html.find("(cached)"), std::string::npos);
  // Issue 16: baselines, gains, the CI against random, the intrinsic metrics.
  EXPECT_NE(html.find("<td>majority baseline</td>"), std::string::npos);
  EXPECT_NE(html.find("<th>count &amp; &lt;shape&gt; †</th>"), std::string::npos);
  EXPECT_NE(html.find("Δ vs random [95% CI]"), std::string::npos);
  EXPECT_NE(html.find("Compute: equal steps &lt;all&gt;."), std::string::npos);
  EXPECT_NE(html.find("What each subset took (ground truth)"), std::string::npos);
  EXPECT_NE(html.find("<td>full data</td><td>100%</td><td>0.250</td>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://www.w3.org/2000/svg\""), html.find("http://www.w3.org/2000/svg\""));
  EXPECT_EQ(html.find("src="), std::string::npos);  // no external assets
}

TEST(ReportHtml, MissingPartsSaySo) {
  ReportData d;
  d.title = "empty";
  std::string html = RenderReportHtml(d);
  EXPECT_NE(html.find("No evaluation results yet."), std::string::npos);
  EXPECT_NE(html.find("No trajectories in this experiment."), std::string::npos);
  EXPECT_EQ(Count(html, "<svg "), 0u);
}

TEST(ReportSummaries, ClusterCurvesAndSizes) {
  // 3 clusters: 0 has rows {0,1} (values 1,3 / 2,6), 1 has row 2, 2 has rows 3..5.
  std::vector<float> v = {1, 2, 3, 6, 5, 5, 0, 0, 0, 0, 0, 0, 9, 9};
  std::vector<int64_t> c = {0, 0, 1, 2, 2, 2, -1};
  EXPECT_EQ(ClusterSizes(c), (std::vector<size_t>{2, 1, 3}));
  auto curves = SampleClusterCurves(v, 2, c, 2);
  ASSERT_EQ(curves.size(), 2u);  // smallest and largest
  EXPECT_EQ(curves[0].cluster, 1);
  EXPECT_EQ(curves[1].cluster, 2);
  auto one = SampleClusterCurves(v, 2, {0, 0, -1, -1, -1, -1, -1}, 5);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_DOUBLE_EQ(one[0].mean[0], 2.0);
  EXPECT_DOUBLE_EQ(one[0].mean[1], 4.0);
  EXPECT_NEAR(one[0].hi[1] - one[0].mean[1], std::sqrt(8.0), 1e-12);
}

TEST(Svg, TicksAndEscapes) {
  auto t = svg::NiceTicks(0, 100);
  EXPECT_EQ(t.front(), 0);
  EXPECT_EQ(t.back(), 100);
  EXPECT_LE(t.size(), 7u);
  EXPECT_EQ(svg::XmlEscape("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
  svg::ChartSpec spec;
  spec.title = "t";
  svg::Series s{"s", {1, 2}, {std::nan(""), 3}, {}, {}};
  std::string chart = svg::LineChart(spec, {s});
  EXPECT_EQ(chart.find("nan"), std::string::npos);
}

// Runs headless Chromium on `url`; returns its stdout (the DOM after load).
std::string DumpDom(const std::string& url, const std::string& profile, int* rc) {
  std::string cmd = "timeout 90 chromium --headless --no-sandbox --disable-gpu "
                    "--disable-background-networking --disable-component-update --disable-sync "
                    "--no-first-run --user-data-dir=" + profile + " --dump-dom '" + url + "' 2>/dev/null";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *rc = pclose(p);
  return out;
}

TEST(ReportHtml, RendersInHeadlessChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it); report render check skipped";
  }
  ScratchDir dir;
  std::string html = RenderReportHtml(FullReport());
  WriteText(dir / "report.html", html);
  WriteText(dir / "report.xhtml", html);  // the same bytes through the strict XML parser
  int rc = -1;
  std::string dom = DumpDom("file://" + (dir / "report.html"), dir / "profile1", &rc);
  ASSERT_EQ(rc, 0) << "chromium failed on the HTML report";
  EXPECT_EQ(Count(dom, "<svg "), 7u) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("ARP versus budget"), std::string::npos);
  EXPECT_NE(dom.find("random (3 seeds)"), std::string::npos);
  std::string xdom = DumpDom("file://" + (dir / "report.xhtml"), dir / "profile2", &rc);
  ASSERT_EQ(rc, 0) << "chromium failed on the XHTML copy";
  EXPECT_EQ(xdom.find("parsererror"), std::string::npos) << "not well-formed: " << xdom.substr(0, 3000);
  EXPECT_EQ(Count(xdom, "<svg "), 7u);
}

}  // namespace
}  // namespace xmas::experiment
