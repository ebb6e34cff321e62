// The procedural-scene sources: short questions (counting, colour, spatial
// relations, brief captions) and, as a separate small source, long
// descriptions ("Describe the image in detail", like LLaVA's detail_23k).
#pragma once

#include <vector>

#include "xmas/demodata/record.h"
#include "xmas/demodata/scene.h"
#include "xmas/demodata/source.h"

namespace xmas::demodata {

enum class SceneBench { kCount, kColor, kSpatial };

class SceneSource : public SourceBase {
 public:
  SceneSource(const SourceContext& ctx, uint64_t seed) : SourceBase(ctx), rng_(seed) {}

  std::vector<DemoRecord> Train(int count, const Redundancy& redundancy);
  // `count` one-turn records of one task (a name in Tasks()), of which the
  // fraction `near_duplicates` are paraphrases; no copies, no label noise.
  std::vector<DemoRecord> TrainTask(const std::string& task, int count, double near_duplicates);
  // scene-count, scene-count-kind, scene-color, scene-spatial, scene-caption.
  static const std::vector<std::string>& Tasks();
  // Task "scene-detail".
  std::vector<DemoRecord> Detail(int count);
  std::vector<DemoRecord> Pretrain(int count);
  std::vector<DemoRecord> Bench(SceneBench kind, int count);
  DemoRecord CaptionBench(int k);

 private:
  enum Kind { kCountAll, kCountKind, kColor, kSpatial, kCaption, kNumKinds };
  struct Spec {
    Kind kind;
    int variant;
    int a = 0, b = 0;  // shape indices (colour, spatial) or a shape kind (count)
    Relation relation = Relation::kLeftOf;
  };
  struct Item {
    std::string image;
    Scene scene;
    std::vector<Spec> specs;
  };

  // Saves as scenes/<split>-<n>.png; returns the path.
  std::string SaveScene(const std::string& split, const Scene& scene);
  // A fresh scene, saved.
  Item NewItem(const std::string& split);
  // A random question of `kind` about the scene; false if the scene cannot
  // support it (e.g. no decidable pair for a spatial question).
  bool RandomSpec(Kind kind, const Scene& scene, Spec* spec);
  QA Ask(const Spec& spec, const Scene& scene);
  // A fresh scene that supports a question of `kind` (redrawn until one
  // does), saved under `split`, with that question.
  Item PosedItem(Kind kind, const std::string& split);
  DemoRecord Render(const Item& item, const std::string& id, int variant_shift);

  Rng rng_;
  int next_image_ = 0;
  std::vector<Item> items_;
};

}  // namespace xmas::demodata
