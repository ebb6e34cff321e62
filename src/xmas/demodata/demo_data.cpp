#include "xmas/demodata/demo_data.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "xmas/demodata/fashion_source.h"
#include "xmas/demodata/mixture.h"
#include "xmas/demodata/ocr_source.h"
#include "xmas/demodata/phrasing.h"
#include "xmas/demodata/scene_source.h"
#include "xmas/demodata/stress_mixture.h"
#include "xmas/demodata/text_source.h"
#include "xmas/demodata/writer.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/enum_names.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::demodata {
namespace fs = std::filesystem;
namespace {

constexpr const char* kGeneratorName = "xmas demo-data";

using Records = std::vector<DemoRecord>;
using BenchSets = std::vector<std::pair<std::string, Records>>;

void Append(Records* to, Records from) {
  to->insert(to->end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// True when `dir` holds an earlier output of this generator.
bool IsDemoDataDir(const std::string& dir) {
  auto bytes = ReadFile(files::ManifestPath(dir));
  if (!bytes.ok()) return false;
  auto j = nlohmann::json::parse(*bytes, nullptr, false);
  return !j.is_discarded() && j.is_object() && j.value("generator", "") == kGeneratorName;
}

Status CheckTarget(const DemoDataOptions& o) {
  std::error_code ec;
  if (!fs::exists(o.out_dir, ec) || (fs::is_directory(o.out_dir, ec) && fs::is_empty(o.out_dir, ec))) {
    return Status::Ok();
  }
  if (!fs::is_directory(o.out_dir, ec)) return Status::Usage(o.out_dir + ": exists and is not a directory");
  if (!o.overwrite) return Status::Usage(o.out_dir + ": output directory is not empty (pass --overwrite to replace it)");
  if (!IsDemoDataDir(o.out_dir)) {
    return Status::Usage(o.out_dir + ": not replaced: it is not empty and holds no demo-data manifest.json");
  }
  return Status::Ok();
}

struct Generated {
  Records train, pretrain;
  BenchSets bench;
};

// Every source in a fixed order; each draws from its own forked stream.
Status Generate(const SourceContext& ctx, const DemoDataOptions& o, Generated* g) {
  const DemoSizes sizes = SizesFor(o.size, o.scale_counts, o.bench_scale, o.pretrain_scale);
  Rng root(o.seed);
  FashionSource fashion(ctx, root.Fork(1).Next());
  SceneSource scenes(ctx, root.Fork(2).Next());
  OcrSource ocr(ctx, root.Fork(3).Next());
  TextSource text(root.Fork(4).Next());
  Rng shuffle = root.Fork(5);
  Progress bar("demo-data", sizes.train + sizes.pretrain + sizes.per_benchmark * Benchmarks().size(), "rec");

  if (o.size == DemoSize::kStress) {
    Rng stress = root.Fork(6);
    g->train = StressTrain({&fashion, &scenes, &ocr, &text}, sizes.train, StressRedundancy{}, &stress);
  } else {
    auto share = [&](const char* source) { return RecordsFor(source, sizes.train); };
    const auto& mix = TrainMixture();
    Append(&g->train, fashion.Train(share("fmnist"), mix[0].redundancy));
    Append(&g->train, scenes.Train(share("scenes"), mix[1].redundancy));
    Append(&g->train, ocr.Train(share("ocr"), mix[2].redundancy));
    Append(&g->train, scenes.Detail(share("scene-detail")));
    Append(&g->train, text.Train(share("text")));
  }
  shuffle.Shuffle(&g->train);
  bar.Add(g->train.size());

  const auto& pmix = PretrainMixture();
  const int p_fashion = static_cast<int>(sizes.pretrain * pmix[0].second);
  const int p_scenes = static_cast<int>(sizes.pretrain * pmix[1].second);
  Append(&g->pretrain, fashion.Pretrain(p_fashion));
  Append(&g->pretrain, scenes.Pretrain(p_scenes));
  Append(&g->pretrain, ocr.Pretrain(sizes.pretrain - p_fashion - p_scenes));
  shuffle.Shuffle(&g->pretrain);
  bar.Add(g->pretrain.size());

  const int n = sizes.per_benchmark;
  g->bench.emplace_back("fmnist-item", fashion.Bench(FashionBench::kItem, n));
  g->bench.emplace_back("fmnist-pope", fashion.Bench(FashionBench::kPope, n));
  g->bench.emplace_back("fmnist-choice", fashion.Bench(FashionBench::kChoice, n));
  g->bench.emplace_back("scene-count", scenes.Bench(SceneBench::kCount, n));
  g->bench.emplace_back("scene-color", scenes.Bench(SceneBench::kColor, n));
  g->bench.emplace_back("scene-spatial", scenes.Bench(SceneBench::kSpatial, n));
  g->bench.emplace_back("ocr", ocr.Bench(n));
  Records captions;
  for (int k = 0; k < n; ++k) {
    DemoRecord rec = k % 5 < 2 ? fashion.CaptionBench(k) : k % 5 < 4 ? scenes.CaptionBench(k) : ocr.CaptionBench(k);
    rec.benchmark = "caption";
    rec.metric = "token_f1";
    captions.push_back(std::move(rec));
  }
  g->bench.emplace_back("caption", std::move(captions));
  g->bench.emplace_back("text", text.Bench(n));
  for (auto& [name, records] : g->bench) {  // ids say which benchmark a record is from
    for (size_t k = 0; k < records.size(); ++k) records[k].id = "bench-" + name + "-" + Padded(static_cast<long>(k), 5);
  }
  bar.Add(n * g->bench.size());
  bar.Finish();
  for (const Status* st : {&fashion.status(), &scenes.status(), &ocr.status()}) XMAS_RETURN_IF_ERROR(*st);
  return Status::Ok();
}

nlohmann::ordered_json SourceCounts(const Records& records) {
  std::map<std::string, std::array<int, 4>> counts;  // records, exact, near, noisy
  for (const DemoRecord& r : records) {
    auto& c = counts[r.source];
    c[0]++;
    c[1] += r.exact_duplicate;
    c[2] += r.near_duplicate;
    c[3] += r.noisy;
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [source, c] : counts) {
    j[source] = {{"records", c[0]}, {"exact_duplicates", c[1]}, {"near_duplicates", c[2]}, {"noisy", c[3]}};
  }
  return j;
}

nlohmann::ordered_json TaskCounts(const Records& records) {
  std::map<std::string, int> counts;
  for (const DemoRecord& r : records) counts[r.task]++;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [task, n] : counts) j[task] = n;
  return j;
}

std::string Manifest(const DemoDataOptions& o, const Generated& g, const ImageSink& images) {
  nlohmann::ordered_json m;
  m["generator"] = kGeneratorName;
  m["format_version"] = 1;
  m["size"] = DemoSizeName(o.size);
  m["seed"] = o.seed;
  if (o.scale_counts != 1.0) m["scale_counts"] = o.scale_counts;
  m["image_size"] = o.image_size;
  m["image_folder"] = files::kDemoImages;
  size_t text_only = 0;
  std::vector<std::string> noisy;
  for (const DemoRecord& r : g.train) {
    text_only += r.image.empty();
    if (r.noisy && !r.exact_duplicate) noisy.push_back(r.id);
  }
  m["train"] = {{"file", files::kDemoTrain}, {"records", g.train.size()}, {"text_only", text_only},
                {"sources", SourceCounts(g.train)}};
  m["pretrain"] = {{"file", files::kDemoPretrain}, {"records", g.pretrain.size()}, {"sources", SourceCounts(g.pretrain)}};
  nlohmann::ordered_json bench = nlohmann::ordered_json::object();
  for (const auto& [name, records] : g.bench) {
    bench[name] = {
        {"file", files::DemoBenchRelative(name)}, {"records", records.size()}, {"metric", records.front().metric}};
  }
  m["bench"] = std::move(bench);
  m["images"] = {{"files", images.images()}, {"bytes", images.bytes()}};
  m["noisy_train_ids"] = noisy;
  if (o.size == DemoSize::kStress) {  // small and bench manifests stay as they were
    m["truth"] = files::kTruth;
    m["train"]["tasks"] = TaskCounts(g.train);
  }
  return m.dump(2) + "\n";
}

Status WriteAll(const std::string& dir, const DemoDataOptions& o, const Generated& g, const ImageSink& images) {
  const files::DemoDataPaths paths = files::DemoData(dir);
  XMAS_RETURN_IF_ERROR(WriteRecords(paths.train, g.train));
  XMAS_RETURN_IF_ERROR(WriteRecords(paths.pretrain, g.pretrain));
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(paths.truth, TruthToJson(g.train, files::kDemoTrain)));
  std::error_code ec;
  fs::create_directories(paths.bench, ec);
  if (ec) return Status::IoError(paths.bench + ": cannot create directory: " + ec.message());
  for (const auto& [name, records] : g.bench) {
    XMAS_RETURN_IF_ERROR(WriteRecords(files::DemoBenchPath(dir, name), records));
  }
  return WriteFileAtomic(files::ManifestPath(dir), Manifest(o, g, images));
}

// Moves the finished temporary directory onto the target.
Status MoveIntoPlace(const std::string& tmp, const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) fs::remove_all(out, ec);  // CheckTarget allowed it
  if (ec) return Status::IoError(out + ": cannot replace: " + ec.message());
  fs::rename(tmp, out, ec);
  if (ec) return Status::IoError(out + ": cannot move the finished output into place: " + ec.message());
  return Status::Ok();
}

}  // namespace

constexpr EnumName<DemoSize> kDemoSizeNames[] = {
    {DemoSize::kSmall, "small"}, {DemoSize::kBench, "bench"}, {DemoSize::kStress, "stress"}};

Result<DemoSize> ParseDemoSize(const std::string& name) {
  return ParseEnum(kDemoSizeNames, name, "demo-data size");
}

const char* DemoSizeName(DemoSize size) {
  return NameOf(kDemoSizeNames, size);
}

DemoSizes SizesFor(DemoSize size, double scale_counts, double bench_scale, double pretrain_scale) {
  DemoSizes s = size == DemoSize::kBench    ? DemoSizes{40000, 10000, 500}
                : size == DemoSize::kStress ? DemoSizes{8000, 4000, 250}
                                            : DemoSizes{3000, 1000, 100};
  auto scaled = [](int n, double f) { return std::max(1, static_cast<int>(std::lround(n * f))); };
  double b = bench_scale > 0 ? bench_scale : scale_counts;
  double p = pretrain_scale > 0 ? pretrain_scale : scale_counts;
  return {scaled(s.train, scale_counts), scaled(s.pretrain, p), scaled(s.per_benchmark, b)};
}

Status GenerateDemoData(const DemoDataOptions& o, DemoDataSummary* summary) {
  const auto start = std::chrono::steady_clock::now();
  if (o.out_dir.empty()) return Status::Usage("demo-data: no output directory given");
  if (!(o.scale_counts > 0 && o.scale_counts <= 1)) {
    return Status::Usage("demo-data: scale_counts must be in (0, 1], got " + std::to_string(o.scale_counts));
  }
  if (!(o.bench_scale >= 0 && o.bench_scale <= 1)) {
    return Status::Usage("demo-data: bench_scale must be in [0, 1], got " + std::to_string(o.bench_scale));
  }
  if (!(o.pretrain_scale >= 0 && o.pretrain_scale <= 1)) {
    return Status::Usage("demo-data: pretrain_scale must be in [0, 1], got " + std::to_string(o.pretrain_scale));
  }
  if (o.image_size != 32 && o.image_size != 64) {
    return Status::Usage("demo-data: image size must be 32 or 64, got " + std::to_string(o.image_size));
  }
  XMAS_RETURN_IF_ERROR(CheckTarget(o));
  XMAS_ASSIGN_OR_RETURN(FashionMnist fashion, LoadFashionMnist(o.fashion_mnist_dir));
  XMAS_ASSIGN_OR_RETURN(Font font, Font::Load(o.font_path));

  const fs::path out = fs::absolute(o.out_dir).lexically_normal();
  const std::string tmp = (out.parent_path() / (out.filename().string() + ".partial-" + std::to_string(::getpid()))).string();
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Status::IoError(tmp + ": cannot create directory: " + ec.message());

  ImageSink images(files::DemoData(tmp).images);
  SourceContext ctx{&fashion, &font, &images, o.image_size / kBaseSide};
  Generated g;
  Status st = Generate(ctx, o, &g);
  if (st.ok()) st = WriteAll(tmp, o, g, images);
  if (st.ok()) st = MoveIntoPlace(tmp, out.string());
  if (!st.ok()) {
    fs::remove_all(tmp, ec);
    return st;
  }
  if (summary != nullptr) {
    summary->train_records = g.train.size();
    summary->pretrain_records = g.pretrain.size();
    summary->benchmarks = g.bench.size();
    for (const auto& b : g.bench) summary->bench_records += b.second.size();
    summary->images = images.images();
    summary->image_bytes = images.bytes();
    summary->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  log::Info("demo-data: wrote ", out.string(), ": ", g.train.size(), " train, ", g.pretrain.size(),
            " pretrain, ", g.bench.size(), " benchmarks, ", images.images(), " images");
  return Status::Ok();
}

}  // namespace xmas::demodata
