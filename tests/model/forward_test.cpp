// Forward pass behaviour: image placement, padding invariance, losses,
// captures, errors, gradients, KV-cache generation.
#include <chrono>
#include <cstdlib>

#include "test_util.h"
#include "xmas/model/generate.h"

namespace xmas::model {
namespace {

using testing::MakeBatch;
using testing::MakeModel;
using testing::MaxDiff;
using testing::MicroConfig;
using testing::Row;

TEST(ForwardTest, ImageFeaturesLandExactlyInTheImageSpan) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{10, 3}, {8, -1}, {9, 0}});
  auto emb = m->InputEmbeddings(batch);
  ASSERT_TRUE(emb.ok()) << emb.status().ToString();
  auto feats = m->EncodeVision(batch.images);
  ASSERT_TRUE(feats.ok());
  EXPECT_EQ(feats->sizes(), (std::vector<int64_t>{2, 4, 32}));  // class token dropped
  torch::Tensor projected = m->Project(*feats);
  torch::Tensor table = m->named_parameters()["language_model.model.embed_tokens.weight"];
  int64_t slot = 0;
  for (int64_t b = 0; b < 3; ++b) {
    for (int64_t t = 0; t < batch.seq_len(); ++t) {
      const bool in_image = t >= batch.image_begin[b] && t < batch.image_end[b];
      torch::Tensor want = in_image ? projected[slot][t - batch.image_begin[b]]
                                    : table[batch.input_ids[b][t].item<int64_t>()];
      EXPECT_TRUE(torch::allclose((*emb)[b][t], want)) << "b" << b << " t" << t;
    }
    if (batch.image_begin[b] >= 0) ++slot;
  }
  // The placeholder id inside the block is ignored; cached features give the same result.
  Batch other = batch;
  other.input_ids = batch.input_ids.clone();
  other.input_ids[0][4] = 7;
  other.vision_features = *feats;
  auto emb2 = m->InputEmbeddings(other);
  ASSERT_TRUE(emb2.ok());
  EXPECT_TRUE(torch::equal(*emb, *emb2));
}

TEST(ForwardTest, PaddedBatchEqualsEachExampleAlone) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{14, 2}, {9, -1}, {12, 5}});
  ForwardOptions opts;
  opts.capture_layers = {1};
  opts.capture_attention = true;
  opts.capture_hidden = true;
  opts.keep_logits = true;
  auto all = m->Forward(batch, opts);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  double loss_sum = 0, count = 0;
  for (int64_t b = 0; b < 3; ++b) {
    const int64_t len = batch.length(b);
    auto one = m->Forward(Row(batch, b), opts);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_LT(MaxDiff(all->token_loss[b].slice(0, 0, len), one->token_loss[0]), 1e-5);
    EXPECT_LT(MaxDiff(all->logits[b].slice(0, 0, len), one->logits[0]), 1e-5);
    EXPECT_LT(MaxDiff(all->layers[0].hidden[b].slice(0, 0, len), one->layers[0].hidden[0]), 1e-5);
    EXPECT_LT(MaxDiff(all->layers[0].attention[b].slice(1, 0, len).slice(2, 0, len), one->layers[0].attention[0]), 1e-6);
    EXPECT_EQ(all->token_loss[b].slice(0, len).abs().sum().item<double>(), 0.0);  // padding
    EXPECT_EQ(all->token_count[b].item<int64_t>(), one->token_count[0].item<int64_t>());
    loss_sum += one->loss.item<double>() * one->token_count[0].item<double>();
    count += one->token_count[0].item<double>();
  }
  EXPECT_NEAR(all->loss.item<double>(), loss_sum / count, 1e-5);
}

TEST(ForwardTest, TokenLossIsNextTokenCrossEntropy) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{11, 1}});
  ForwardOptions opts;
  opts.keep_logits = true;
  auto out = m->Forward(batch, opts);
  ASSERT_TRUE(out.ok());
  double sum = 0;
  int64_t n = 0;
  for (int64_t t = 0; t < 11; ++t) {
    const int64_t label = batch.labels[0][t].item<int64_t>();
    double want = 0;
    if (t > 0 && label != kIgnoreIndex) {
      torch::Tensor logp = torch::log_softmax(out->logits[0][t - 1], 0);
      want = -logp[label].item<double>();
      sum += want;
      ++n;
    }
    EXPECT_NEAR(out->token_loss[0][t].item<double>(), want, 1e-5) << t;
  }
  ASSERT_GT(n, 0);
  EXPECT_NEAR(out->loss.item<double>(), sum / n, 1e-5);
  EXPECT_EQ(out->token_count[0].item<int64_t>(), n);
}

TEST(ForwardTest, StopAfterLastCaptureSkipsTheRest) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{10, 1}, {7, -1}});
  ForwardOptions opts;
  opts.capture_layers = {0, -2, 0};  // -2 == 0 here; repeats are allowed
  opts.capture_qk = true;
  auto full = m->Forward(batch, opts);
  opts.stop_after_last_capture = true;
  auto cut = m->Forward(batch, opts);
  ASSERT_TRUE(full.ok() && cut.ok());
  EXPECT_FALSE(cut->loss.defined());
  EXPECT_FALSE(cut->logits.defined());
  EXPECT_TRUE(full->loss.defined());
  ASSERT_EQ(cut->layers.size(), 3u);
  for (const auto& cap : cut->layers) {
    EXPECT_EQ(cap.layer, 0);
    EXPECT_TRUE(torch::equal(cap.k_proj, full->layers[0].k_proj));
  }
}

TEST(ForwardTest, LastCaptureQkOnlyGivesTheSameQueriesAndKeys) {
  ModelConfig c = MicroConfig();
  c.text.num_hidden_layers = 3;
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{10, 1}, {7, -1}});
  ForwardOptions opts;
  opts.capture_layers = {0, 1};
  opts.capture_qk = true;
  opts.capture_attention = true;
  opts.stop_after_last_capture = true;
  auto whole = m->Forward(batch, opts);
  opts.last_capture_qk_only = true;
  auto lean = m->Forward(batch, opts);
  ASSERT_TRUE(whole.ok() && lean.ok());
  ASSERT_EQ(lean->layers.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    for (auto get : {&LayerCapture::q, &LayerCapture::k, &LayerCapture::q_proj, &LayerCapture::k_proj}) {
      EXPECT_TRUE(torch::equal(lean->layers[i].*get, whole->layers[i].*get)) << i;
    }
  }
  EXPECT_TRUE(lean->layers[0].attention.defined());   // a layer before the last runs whole
  EXPECT_FALSE(lean->layers[1].attention.defined());  // the last stops after q/k
  EXPECT_TRUE(whole->layers[1].attention.defined());
  // Without stop_after_last_capture the flag changes nothing: logits and loss as usual.
  opts.stop_after_last_capture = false;
  auto full = m->Forward(batch, opts);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->loss.defined());
  EXPECT_TRUE(full->layers[1].attention.defined());
}

TEST(ForwardTest, BadBatchesAreErrorsNamingTheField) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  Batch batch = MakeBatch(c, {{10, 1}, {7, -1}});
  Batch short_span = batch;
  short_span.image_end[0] = 4;
  auto r1 = m->Forward(short_span);
  ASSERT_FALSE(r1.ok());
  EXPECT_NE(r1.status().message().find("example 0: field 'image_begin..image_end'"), std::string::npos)
      << r1.status().message();
  Batch bad_id = batch;
  bad_id.input_ids = batch.input_ids.clone();
  bad_id.input_ids[1][6] = c.text.vocab_size;
  auto r2 = m->Forward(bad_id);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("example 1: field 'input_ids': token 6"), std::string::npos)
      << r2.status().message();
  Batch left_pad = batch;
  left_pad.attention_mask = batch.attention_mask.flip({1});
  EXPECT_FALSE(m->Forward(left_pad).ok());
  Batch no_images = batch;
  no_images.images = torch::Tensor();
  EXPECT_FALSE(m->Forward(no_images).ok());
  ForwardOptions opts;
  opts.capture_layers = {2};
  EXPECT_FALSE(m->Forward(batch, opts).ok());
}

TEST(ForwardTest, FrozenVisionTowerGetsNoGradient) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c);
  m->FreezeVision();
  auto out = m->Forward(MakeBatch(c, {{10, 1}, {7, -1}}));
  ASSERT_TRUE(out.ok());
  out->loss.backward();
  for (const auto& p : m->VisionParameters()) EXPECT_FALSE(p.grad().defined());
  for (const auto& p : m->ProjectorParameters()) {
    ASSERT_TRUE(p.grad().defined());
  }
  EXPECT_GT(m->ProjectorParameters()[0].grad().abs().sum().item<double>(), 0.0);
  EXPECT_GT(m->LanguageParameters()[0].grad().abs().sum().item<double>(), 0.0);
}

TEST(ForwardTest, LinearConnectorAndFullStrategy) {
  ModelConfig c = MicroConfig();
  c.projector_type = "linear";
  c.vision_feature_select_strategy = "full";
  EXPECT_EQ(c.image_token_count(), 5);
  auto m = MakeModel(c);
  EXPECT_FALSE(m->named_parameters().contains("multi_modal_projector.linear_2.weight"));
  auto out = m->Forward(MakeBatch(c, {{9, 2}}));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
}

TEST(GenerateTest, KvCacheEqualsRecomputation) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c, 21);
  Batch prompts = MakeBatch(c, {{9, 1}, {6, -1}}, 4);
  GenerateOptions opts;
  opts.max_new_tokens = 10;
  opts.eos_token_id = c.text.vocab_size;  // never produced: run all steps
  auto cached = GenerateGreedy(*m, prompts, opts);
  opts.use_cache = false;
  auto plain = GenerateGreedy(*m, prompts, opts);
  ASSERT_TRUE(cached.ok() && plain.ok()) << cached.status().ToString() << plain.status().ToString();
  ASSERT_EQ(cached->size(), 2u);
  EXPECT_EQ(cached.value(), plain.value());
  EXPECT_EQ((*cached)[0].size(), 10u);

  // Step logits through the cache equal a full forward of the whole sequence.
  torch::NoGradGuard no_grad;
  Batch one = Row(prompts, 0);
  one.labels = torch::Tensor();
  ForwardOptions fwd;
  fwd.keep_logits = true;
  KvCache cache;
  ASSERT_TRUE(m->Forward(one, fwd, &cache).ok());
  Batch step;
  step.input_ids = torch::tensor({{(*cached)[0][0], (*cached)[0][1]}}, torch::kLong);
  step.image_begin = {-1};
  step.image_end = {-1};
  auto stepped = m->Forward(step, fwd, &cache);
  ASSERT_TRUE(stepped.ok());
  EXPECT_EQ(cache.length(), 11);
  Batch whole = one;
  whole.input_ids = torch::cat({one.input_ids, step.input_ids}, 1);
  auto full = m->Forward(whole, fwd);
  ASSERT_TRUE(full.ok());
  EXPECT_LT(MaxDiff(stepped->logits[0], full->logits[0].slice(0, 9)), 1e-5);
}

TEST(GenerateTest, StopsAtEos) {
  ModelConfig c = MicroConfig();
  auto m = MakeModel(c, 21);
  Batch prompts = MakeBatch(c, {{9, 1}}, 4);
  GenerateOptions opts;
  opts.max_new_tokens = 6;
  opts.eos_token_id = c.text.vocab_size;
  auto free_run = GenerateGreedy(*m, prompts, opts);
  ASSERT_TRUE(free_run.ok());
  opts.eos_token_id = (*free_run)[0][2];
  auto stopped = GenerateGreedy(*m, prompts, opts);
  ASSERT_TRUE(stopped.ok());
  const auto& s = (*stopped)[0];
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.back(), opts.eos_token_id);
  EXPECT_LE(s.size(), 3u);
}

// Real shapes (CLIP ViT-L/14-336 + TinyLlama-1.1B, ~1.4B parameters, ~6 GB
// fp32): slow, so only with XMAS_MODEL_REAL_SHAPE=1.
TEST(RealShapeTest, TinyLlavaForwardOfOneExample) {
  if (std::getenv("XMAS_MODEL_REAL_SHAPE") == nullptr) GTEST_SKIP() << "set XMAS_MODEL_REAL_SHAPE=1";
  auto config = PresetConfig("tinyllava");
  ASSERT_TRUE(config.ok());
  const ModelConfig& c = *config;
  const auto t0 = std::chrono::steady_clock::now();
  auto m = MakeModel(c);
  const auto t1 = std::chrono::steady_clock::now();
  Batch batch = MakeBatch(c, {{c.image_token_count() + 64, 35}});
  torch::NoGradGuard no_grad;
  ForwardOptions opts;
  opts.capture_layers = {-1};
  opts.capture_attention = true;
  auto out = m->Forward(batch, opts);
  const auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(std::isfinite(out->loss.item<double>()));
  EXPECT_EQ(out->layers[0].attention.sizes(), (std::vector<int64_t>{1, 32, 640, 640}));
  std::printf("tinyllava: %.2fB parameters, build %.1f s, forward of %ld tokens %.1f s\n",
              CountParameters(c).total() / 1e9, std::chrono::duration<double>(t1 - t0).count(),
              static_cast<long>(batch.seq_len()), std::chrono::duration<double>(t2 - t1).count());
}

}  // namespace
}  // namespace xmas::model
