// The Fashion-MNIST source: "what item is this", balanced yes/no probes
// ("is this a ...?", POPE-like) and attribute questions (footwear? top?).
// Training and pretraining use disjoint parts of the train split; the
// benchmarks use the test split only.
#pragma once

#include <vector>

#include "xmas/demodata/record.h"
#include "xmas/demodata/source.h"

namespace xmas::demodata {

enum class FashionBench { kItem, kPope, kChoice };

class FashionSource : public SourceBase {
 public:
  FashionSource(const SourceContext& ctx, uint64_t seed);

  std::vector<DemoRecord> Train(int count, const Redundancy& redundancy);
  // `count` one-turn records of one task (a name in Tasks()), of which the
  // fraction `near_duplicates` are paraphrases; no copies, no label noise
  // (the stress mixture adds them). Ids: "<task>-<n>".
  std::vector<DemoRecord> TrainTask(const std::string& task, int count, double near_duplicates);
  // fmnist-item, fmnist-probe, fmnist-group, fmnist-group-name, fmnist-caption.
  static const std::vector<std::string>& Tasks();
  std::vector<DemoRecord> Pretrain(int count);
  std::vector<DemoRecord> Bench(FashionBench kind, int count);
  // Short caption of a test image (for the caption benchmark).
  DemoRecord CaptionBench(int k);

 private:
  enum Kind { kItem, kProbe, kGroupYesNo, kGroupName, kCaption, kNumKinds };
  struct Spec {
    Kind kind;
    int variant;
    int param;  // the probed class or group
  };
  struct Item {
    std::string image;
    int label;
    std::vector<Spec> specs;
  };

  std::string SaveImage(const FashionSplit& split, size_t index, const std::string& name);
  QA Ask(const Spec& spec, int label);
  Spec RandomSpec(Kind kind, int label);
  // A new item on the next train image, asked `kind` first.
  Item NewTrainItem(Kind kind);
  DemoRecord Render(const Item& item, const std::string& id, int variant_shift);

  Rng rng_;
  std::vector<size_t> train_order_;  // a permutation of the train split
  size_t next_train_ = 0;            // train_order_ is consumed front to back
  std::vector<Item> items_;
};

}  // namespace xmas::demodata
