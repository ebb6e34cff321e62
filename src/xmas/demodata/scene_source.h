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
  DemoRecord Render(const Item& item, const std::string& id, int variant_shift);

  Rng rng_;
  int next_image_ = 0;
  std::vector<Item> items_;
};

}  // namespace xmas::demodata
