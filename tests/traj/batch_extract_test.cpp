// ExtractBatch on a tiny random model with hand-built batches (no
// tokenizer): attention mode against the model's own probabilities,
// invariance to padding and batch composition, loss against Forward.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "xmas/model/model.h"
#include "xmas/traj/batch_extract.h"

namespace xmas::traj {
namespace {

struct Example {
  int64_t length, image_begin;  // image_begin -1: text-only
};

class BatchExtractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = model::PresetConfig("tiny");
    ASSERT_TRUE(config.ok());
    config_ = *config;
    auto m = model::Model::Create(config_, torch::kCPU, torch::kFloat32, 11);
    ASSERT_TRUE(m.ok());
    model_ = *m;
    model_->eval();
    torch::manual_seed(12);
    for (int i = 0; i < 5; ++i) images_.push_back(torch::randn({3, 32, 32}));
  }

  // A right-padded batch of `examples` (indices into kExamples), padded to `pad_to`.
  model::Batch MakeBatch(const std::vector<int>& which, int64_t pad_to = 0) {
    const std::vector<Example> all = {{30, 2}, {21, 1}, {12, -1}, {40, 3}, {19, 2}};
    int64_t len = pad_to;
    for (int w : which) len = std::max(len, all[w].length);
    model::Batch b;
    b.input_ids = torch::zeros({int64_t(which.size()), len}, torch::kInt64);
    b.attention_mask = torch::zeros({int64_t(which.size()), len}, torch::kBool);
    b.labels = torch::full({int64_t(which.size()), len}, model::kIgnoreIndex, torch::kInt64);
    std::vector<torch::Tensor> imgs;
    const int64_t p = config_.image_token_count();
    for (size_t r = 0; r < which.size(); ++r) {
      const Example& e = all[which[r]];
      torch::manual_seed(100 + which[r]);  // an example's tokens do not depend on its batch
      b.input_ids[r].narrow(0, 0, e.length).copy_(torch::randint(3, 1000, {e.length}));
      b.attention_mask[r].narrow(0, 0, e.length).fill_(true);
      b.labels[r].narrow(0, e.length - 5, 5).copy_(b.input_ids[r].narrow(0, e.length - 5, 5));
      b.image_begin.push_back(e.image_begin);
      b.image_end.push_back(e.image_begin < 0 ? -1 : e.image_begin + p);
      if (e.image_begin >= 0) imgs.push_back(images_[which[r]]);
    }
    if (!imgs.empty()) b.images = torch::stack(imgs);
    return b;
  }

  BatchRequest Request() const {
    BatchRequest r;
    r.svd_layers = {0, 1, 2, 3};
    r.loss = r.el2n = true;
    r.embed_layers = {1, 3};
    return r;
  }

  model::ModelConfig config_;
  std::shared_ptr<model::Model> model_;
  std::vector<torch::Tensor> images_;
};

TEST_F(BatchExtractTest, AttentionModeIsTheModelsAttention) {
  model::Batch batch = MakeBatch({0, 3});
  BatchRequest req = Request();
  auto values = ExtractBatch(*model_, batch, {0, 3}, req);
  ASSERT_TRUE(values.ok()) << values.status().message();
  model::ForwardOptions f;
  f.capture_layers = {0, 1, 2, 3};
  f.capture_attention = true;
  auto out = model_->Forward(batch, f);
  ASSERT_TRUE(out.ok());
  for (int64_t b = 0; b < 2; ++b) {
    const int64_t ib = batch.image_begin[b], ie = batch.image_end[b], len = batch.length(b);
    torch::Tensor sum = torch::zeros({len - ie, ie - ib}, torch::kFloat64);
    for (const auto& l : out->layers) {
      sum += l.attention[b].mean(0).narrow(0, ie, len - ie).narrow(1, ib, ie - ib).to(torch::kFloat64);
    }
    torch::Tensor want = torch::linalg_svdvals(sum);
    ASSERT_TRUE((*values)[b].cross_valid);
    for (int c = 0; c < 5; ++c) {
      EXPECT_NEAR((*values)[b].singular[c], want[c].item<double>(), 1e-4 * want[c].item<double>());
    }
  }
}

TEST_F(BatchExtractTest, ValuesDoNotDependOnBatchOrPadding) {
  BatchRequest req = Request();
  auto alone = ExtractBatch(*model_, MakeBatch({1}), {1}, req);
  auto mixed = ExtractBatch(*model_, MakeBatch({3, 2, 1}, 50), {3, 2, 1}, req);
  ASSERT_TRUE(alone.ok() && mixed.ok());
  const ExampleValues& a = (*alone)[0];
  const ExampleValues& m = (*mixed)[2];
  for (int c = 0; c < 5; ++c) EXPECT_NEAR(a.singular[c], m.singular[c], 1e-4 * a.singular[0]);
  EXPECT_NEAR(a.loss, m.loss, 1e-4);
  EXPECT_NEAR(a.el2n, m.el2n, 1e-5);
  for (size_t l = 0; l < a.parts.size(); ++l) {
    EXPECT_TRUE(torch::allclose(a.parts[l].image, m.parts[l].image, 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(a.parts[l].text, m.parts[l].text, 1e-4, 1e-5));
  }
  // The text-only row: no cross-modal value, zeros, but a loss.
  const ExampleValues& t = (*mixed)[1];
  EXPECT_FALSE(t.cross_valid);
  EXPECT_EQ(t.singular, std::vector<float>(5, 0.0f));
  EXPECT_TRUE(t.loss_valid);
  // Official mode does see padding (docs/method.md §3 defect 3), by design.
  req.mode = CrossModalMode::kOfficial;
  auto o1 = ExtractBatch(*model_, MakeBatch({1}), {1}, req);
  auto o2 = ExtractBatch(*model_, MakeBatch({3, 2, 1}, 50), {3, 2, 1}, req);
  EXPECT_GT(std::abs((*o1)[0].singular[0] - (*o2)[2].singular[0]), 1e-3);
}

TEST_F(BatchExtractTest, LossMatchesForwardAndOptionsSkipWork) {
  model::Batch batch = MakeBatch({4});
  auto values = ExtractBatch(*model_, batch, {4}, Request());
  auto out = model_->Forward(batch);
  ASSERT_TRUE(values.ok() && out.ok());
  EXPECT_NEAR((*values)[0].loss, out->loss.item<float>(), 1e-5);
  BatchRequest svd_only;
  svd_only.svd_layers = {1};
  model::ForwardOptions f = MakeForwardOptions(svd_only);
  EXPECT_FALSE(f.compute_logits);
  EXPECT_TRUE(f.stop_after_last_capture);
  EXPECT_EQ(f.capture_layers, (std::vector<int64_t>{1}));
  EXPECT_FALSE(f.capture_attention);  // the block is computed from q/k, not the full matrix
  EXPECT_TRUE(f.last_capture_qk_only);  // of the last hooked layer only q/k
  BatchRequest embed_last = svd_only;
  embed_last.embed_layers = {1};  // its attention output is read too: it runs whole
  EXPECT_FALSE(MakeForwardOptions(embed_last).last_capture_qk_only);
  embed_last.embed_layers = {0};
  EXPECT_TRUE(MakeForwardOptions(embed_last).last_capture_qk_only);
  BatchRequest with_loss = svd_only;
  with_loss.loss = true;  // logits need every layer
  EXPECT_FALSE(MakeForwardOptions(with_loss).last_capture_qk_only);
}

}  // namespace
}  // namespace xmas::traj
