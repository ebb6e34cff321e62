// End-to-end extraction on a fake run: values against the model's own
// attention and a naive official matrix, invariance to batching, the
// vision cache, features, and the text-only mask.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fake_run.h"
#include "xmas/data/dataset.h"
#include "xmas/model/weights.h"
#include "xmas/text/chat_template.h"
#include "xmas/text/tokenizer.h"
#include "xmas/train/example_source.h"
#include "xmas/traj/extractor.h"
#include "xmas/store/store.h"

namespace xmas::traj {

// The feature store's names (xmas::store).
using store::FeatureMatrix, store::Store;
namespace feature = store::feature;
namespace {

using testing::BaseOptions;
using testing::GetFakeRun;

FeatureMatrix Read(const std::string& dir, const std::string& name, int64_t step) {
  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().message();
  auto m = step < 0 ? store->ReadStatic(name) : store->ReadCheckpoint(name, step);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? *m : FeatureMatrix{};
}

ExtractSummary Extract(const ExtractOptions& o) {
  auto s = ExtractTrajectories(o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : ExtractSummary{};
}

void ExpectRelClose(const FeatureMatrix& a, const FeatureMatrix& b, double rel) {
  ASSERT_EQ(a.values.size(), b.values.size());
  for (size_t i = 0; i < a.values.size(); ++i) {
    EXPECT_NEAR(a.values[i], b.values[i], rel * std::max(1e-6, double(std::abs(b.values[i]))))
        << "value " << i;
  }
}

// One example alone in its batch, as the model sees it.
struct Single {
  std::shared_ptr<model::Model> model;
  model::Batch batch;
};

Single LoadSingle(int64_t step, const std::vector<size_t>& rows) {
  const auto& r = GetFakeRun();
  Single s;
  auto m = model::LoadModel(r.run + "/checkpoint-" + std::to_string(step));
  EXPECT_TRUE(m.ok());
  s.model = *m;
  auto dataset = data::Dataset::Load(r.data);
  auto tokenizer = text::Tokenizer::Load(r.tokenizer);
  text::TemplateOptions t;
  t.num_image_tokens = s.model->config().image_token_count();
  t.max_length = s.model->config().text.max_position_embeddings;
  std::vector<text::EncodedExample> exs;
  std::vector<std::vector<float>> imgs;
  auto loader = train::DefaultImageLoader();
  for (size_t i : rows) {
    exs.push_back(*text::EncodeRecord(*tokenizer, *dataset, i, t));
    imgs.push_back(exs.back().has_image() ? *loader(r.images + "/" + (*dataset)[i].image, s.model->config())
                                          : std::vector<float>());
  }
  std::vector<const text::EncodedExample*> ep;
  std::vector<const std::vector<float>*> ip;
  for (size_t k = 0; k < rows.size(); ++k) {
    ep.push_back(&exs[k]);
    ip.push_back(exs[k].has_image() ? &imgs[k] : nullptr);
  }
  model::CollateOptions c;
  c.pad_token_id = s.model->config().pad_token_id;
  auto batch = model::Collate(ep, ip, s.model->config(), c);
  EXPECT_TRUE(batch.ok()) << batch.status().message();
  s.batch = *batch;
  return s;
}

TEST(Extract, StoreHasMaskSettingsAndZerosForTextOnly) {
  const auto& r = GetFakeRun();
  ExtractOptions o = BaseOptions("basic");
  Extract(o);
  auto store = Store::Open(o.out);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_EQ(store->size(), r.rows);
  EXPECT_EQ(store->id(3), "ex3::img3.bmp");
  EXPECT_EQ(store->id(2), "ex2");
  EXPECT_EQ(*store->Steps(feature::kSvd), (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(store->top_k(), 5);
  EXPECT_EQ(store->settings().at("mode"), "attention");
  EXPECT_EQ(store->settings().at("layers"), nlohmann::json({0, 1, 2, 3}));
  EXPECT_EQ(store->settings().at("checkpoints"), nlohmann::json({10, 20}));
  EXPECT_EQ(store->settings().at("template"), "llava_v1");
  FeatureMatrix m = Read(o.out, feature::kSvd, 20);
  ASSERT_EQ(m.cols, 5u);
  for (size_t i = 0; i < r.rows; ++i) {
    EXPECT_EQ(store->valid()[i], r.has_image[i] ? 1 : 0) << i;
    if (!r.has_image[i]) {
      for (size_t c = 0; c < 5; ++c) EXPECT_EQ(m.row(i)[c], 0.0f);
    } else {
      EXPECT_GT(m.row(i)[0], 0.0f);
      for (size_t c = 1; c < 5; ++c) EXPECT_LE(m.row(i)[c], m.row(i)[c - 1]);
    }
  }
}

TEST(Extract, AttentionModeEqualsTheModelsAttentionProbabilities) {
  const auto& r = GetFakeRun();
  ExtractOptions o = BaseOptions("vs_model");
  Extract(o);
  FeatureMatrix got = Read(o.out, feature::kSvd, 20);
  for (size_t i : {0, 3, 7}) {
    Single s = LoadSingle(20, {i});
    model::ForwardOptions f;
    f.capture_layers = {0, 1, 2, 3};
    f.capture_attention = true;
    auto out = s.model->Forward(s.batch, f);
    ASSERT_TRUE(out.ok());
    const int64_t ib = s.batch.image_begin[0], ie = s.batch.image_end[0], len = s.batch.length(0);
    torch::Tensor sum = torch::zeros({len - ie, ie - ib}, torch::kFloat64);
    for (const auto& layer : out->layers) {
      sum += layer.attention[0].mean(0).narrow(0, ie, len - ie).narrow(1, ib, ie - ib).to(torch::kFloat64);
    }
    torch::Tensor want = torch::linalg_svdvals(sum);
    for (int c = 0; c < 5; ++c) {
      const double w = want[c].item<double>();
      EXPECT_NEAR(got.row(i)[c], w, 1e-4 * w) << "example " << i << " sigma " << c;
    }
  }
  (void)r;
}

TEST(Extract, AttentionValuesDoNotDependOnBatching) {
  ExtractOptions o = BaseOptions("b4");
  o.features = *ParseFeatureSet("svd,loss,el2n,embed");
  Extract(o);
  for (int64_t bs : {1, 3}) {
    ExtractOptions p = BaseOptions("b" + std::to_string(bs));
    p.features = o.features;
    p.batch_size = bs;
    Extract(p);
    for (int64_t step : {10, 20}) {
      ExpectRelClose(Read(p.out, feature::kSvd, step), Read(o.out, feature::kSvd, step), 1e-4);
      ExpectRelClose(Read(p.out, feature::kLoss, step), Read(o.out, feature::kLoss, step), 1e-4);
      ExpectRelClose(Read(p.out, feature::kEl2n, step), Read(o.out, feature::kEl2n, step), 1e-4);
    }
    FeatureMatrix a = Read(p.out, feature::kEmbed, -1), b = Read(o.out, feature::kEmbed, -1);
    ASSERT_EQ(a.values.size(), b.values.size());
    for (size_t i = 0; i < a.values.size(); ++i) EXPECT_NEAR(a.values[i], b.values[i], 1e-5);
  }
}

TEST(Extract, OfficialModeMatchesNaiveMatrixOnTheSameBatches) {
  ExtractOptions o = BaseOptions("official");
  o.mode = CrossModalMode::kOfficial;
  o.batch_size = 3;
  Extract(o);
  FeatureMatrix got = Read(o.out, feature::kSvd, 10);
  Single s = LoadSingle(10, {3, 4, 5});  // the second batch of 3, padding included
  model::ForwardOptions f;
  f.capture_layers = {0, 1, 2, 3};
  f.capture_qk = true;
  auto out = s.model->Forward(s.batch, f);
  ASSERT_TRUE(out.ok());
  const auto& cfg = s.model->config().text;
  const int64_t L = s.batch.seq_len(), H = cfg.num_attention_heads, G = H / cfg.num_key_value_heads;
  for (int64_t b = 0; b < 2; ++b) {  // rows 3 and 4 (5 is text-only)
    const int64_t ib = s.batch.image_begin[b], ie = s.batch.image_end[b];
    torch::Tensor sum = torch::zeros({L - ie, ie - ib}, torch::kFloat64);
    for (const auto& layer : out->layers) {
      torch::Tensor q = layer.q_proj[b].to(torch::kFloat64);
      torch::Tensor k = layer.k_proj[b].to(torch::kFloat64);
      // the authors' torch.repeat_interleave(k, G, dim=-1): each feature G times
      k = k.unsqueeze(2).expand({L, k.size(1), G}).reshape({L, -1});
      torch::Tensor s_full = torch::softmax(torch::matmul(k, q.t()) / std::sqrt(double(q.size(1))), -1);
      sum += s_full.narrow(0, ie, L - ie).narrow(1, ib, ie - ib);
    }
    torch::Tensor want = torch::linalg_svdvals(sum);
    for (int c = 0; c < 5; ++c) {
      const double w = want[c].item<double>();
      EXPECT_NEAR(got.row(3 + b)[c], w, 1e-4 * w) << "example " << 3 + b << " sigma " << c;
    }
  }
  for (int c = 0; c < 5; ++c) EXPECT_EQ(got.row(5)[c], 0.0f);  // text-only: no garbage
}

TEST(Extract, VisionFeaturesAreComputedOncePerTower) {
  const auto& r = GetFakeRun();
  ExtractOptions o = BaseOptions("cache");
  EXPECT_EQ(Extract(o).vision_encodes, static_cast<int64_t>(r.image_rows));
  ExtractOptions p = BaseOptions("cache3");
  p.checkpoints = "all";
  EXPECT_EQ(Extract(p).vision_encodes, 2 * static_cast<int64_t>(r.image_rows));
  // Reuse changes nothing: same values as recomputing the tower every time.
  ExtractOptions q = BaseOptions("nocache");
  q.checkpoints = "all";
  q.vision_cache_bytes = 0;
  EXPECT_EQ(Extract(q).vision_encodes, 3 * static_cast<int64_t>(r.image_rows));
  for (int64_t step : {10, 20, 30}) {
    EXPECT_EQ(Read(p.out, feature::kSvd, step).values, Read(q.out, feature::kSvd, step).values);
  }
}

TEST(Extract, LossIsTheModelsAnswerLoss) {
  ExtractOptions o = BaseOptions("loss");
  o.features = *ParseFeatureSet("loss,clip");
  Extract(o);
  FeatureMatrix loss = Read(o.out, feature::kLoss, 10);
  for (size_t i : {0, 2, 3}) {
    Single s = LoadSingle(10, {i});
    auto out = s.model->Forward(s.batch);
    ASSERT_TRUE(out.ok());
    EXPECT_NEAR(loss.row(i)[0], out->loss.item<float>(), 1e-4);
  }
  EXPECT_FALSE(Store::Open(o.out)->Has(feature::kSvd));
  FeatureMatrix img = Read(o.out, feature::kImageEmbed, -1), txt = Read(o.out, feature::kTextEmbed, -1);
  EXPECT_EQ(img.rows, GetFakeRun().rows);
  EXPECT_EQ(img.cols, 128u);  // the tiny LLM width
  double norm = 0;
  for (size_t c = 0; c < txt.cols; ++c) norm += txt.row(0)[c] * txt.row(0)[c];
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST(Extract, ErrorsAreUsageErrors) {
  ExtractOptions o = BaseOptions("errors");
  o.checkpoints = "15";
  EXPECT_EQ(ExtractTrajectories(o).status().code(), Status::Code::kUsage);
  o = BaseOptions("errors");
  o.layers = "7";
  EXPECT_EQ(ExtractTrajectories(o).status().code(), Status::Code::kUsage);
  o = BaseOptions("errors");
  o.out = o.data;
  EXPECT_FALSE(ExtractTrajectories(o).ok());
}

}  // namespace
}  // namespace xmas::traj
