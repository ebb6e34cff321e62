#include "xmas/traj/features.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace xmas::traj {

Result<FeatureSet> ParseFeatureSet(const std::string& list) {
  FeatureSet set;
  set.svd = false;
  std::stringstream in(list);
  std::string name;
  bool any = false;
  while (std::getline(in, name, ',')) {
    if (name == "svd") set.svd = true;
    else if (name == "loss") set.loss = true;
    else if (name == "el2n") set.el2n = true;
    else if (name == "embed") set.embed = true;
    else if (name == "clip") set.clip = true;
    else
      return Status::Usage("--features: unknown feature '" + name +
                           "' (expected svd, loss, el2n, embed, clip)");
    any = true;
  }
  if (!any) return Status::Usage("--features: empty list");
  return set;
}

std::string FeatureSetName(const FeatureSet& set) {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(set.svd, "svd");
  add(set.loss, "loss");
  add(set.el2n, "el2n");
  add(set.embed, "embed");
  add(set.clip, "clip");
  return out;
}

void AnswerLoss(const model::ForwardOutput& out, std::vector<float>* loss,
                std::vector<uint8_t>* valid) {
  torch::Tensor sums = out.token_loss.to(torch::kCPU, torch::kFloat64).sum(1);
  torch::Tensor counts = out.token_count.to(torch::kCPU, torch::kInt64);
  for (int64_t b = 0; b < sums.size(0); ++b) {
    const int64_t n = counts[b].item<int64_t>();
    valid->push_back(n > 0 ? 1 : 0);
    loss->push_back(n > 0 ? static_cast<float>(sums[b].item<double>() / double(n))
                          : std::numeric_limits<float>::quiet_NaN());
  }
}

void El2n(const torch::Tensor& logits, const torch::Tensor& labels, std::vector<float>* el2n,
          std::vector<uint8_t>* valid) {
  const int64_t batch = logits.size(0), length = logits.size(1);
  torch::Tensor lab = labels.to(torch::kCPU, torch::kInt64);
  for (int64_t b = 0; b < batch; ++b) {
    // Position t's label is predicted by the logits at t - 1.
    torch::Tensor target = lab[b].narrow(0, 1, length - 1);
    torch::Tensor rows = (target != model::kIgnoreIndex).nonzero().view(-1);
    if (rows.numel() == 0) {
      el2n->push_back(std::numeric_limits<float>::quiet_NaN());
      valid->push_back(0);
      continue;
    }
    torch::Tensor z = logits[b].index_select(0, rows.to(logits.device())).to(torch::kFloat32);
    torch::Tensor p = torch::softmax(z, -1);
    torch::Tensor y = target.index_select(0, rows).to(logits.device()).view({-1, 1});
    // ‖p − e_y‖² = Σp² − 2 p_y + 1.
    torch::Tensor sq = p.pow(2).sum(-1) - 2 * p.gather(1, y).view(-1) + 1;
    el2n->push_back(sq.clamp_min(0).sqrt().mean().item<float>());
    valid->push_back(1);
  }
}

namespace {

torch::Tensor UnitTanhMean(const torch::Tensor& rows) {
  if (rows.size(0) == 0) return torch::zeros({rows.size(1)}, torch::kFloat32);
  torch::Tensor v = torch::tanh(rows.to(torch::kFloat32).mean(0));
  return v / v.norm().clamp_min(1e-12);
}

}  // namespace

LayerParts PoolLayer(const torch::Tensor& attn_output, const model::Batch& batch, int64_t b) {
  torch::Tensor row = attn_output[b].to(torch::kCPU);
  const int64_t length = batch.length(b);
  const int64_t ib = batch.image_begin[b], ie = batch.image_end[b];
  LayerParts parts;
  if (ib < 0) {
    parts.image = torch::zeros({row.size(1)}, torch::kFloat32);
    parts.text = UnitTanhMean(row.narrow(0, 0, length));
    return parts;
  }
  parts.image = UnitTanhMean(row.narrow(0, ib, ie - ib));
  parts.text = UnitTanhMean(
      torch::cat({row.narrow(0, 0, ib), row.narrow(0, ie, length - ie)}, 0));
  return parts;
}

torch::Tensor CombineEmbedding(const std::vector<LayerParts>& layers) {
  std::vector<torch::Tensor> pieces;
  for (const auto& l : layers) {
    pieces.push_back(l.image);
    pieces.push_back(l.text);
  }
  torch::Tensor v = torch::cat(pieces, 0);
  return v / v.norm().clamp_min(1e-12);
}

}  // namespace xmas::traj
