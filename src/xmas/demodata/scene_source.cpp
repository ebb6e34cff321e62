#include "xmas/demodata/scene_source.h"

#include <algorithm>

#include "xmas/demodata/phrasing.h"

namespace xmas::demodata {
namespace {

const std::vector<std::string> kCountAllQuestions = {
    "How many shapes are there in the image?", "How many objects can you see?",
    "Count the shapes in the picture."};
const std::vector<std::string> kCountKindQuestions = {"How many {}s are there?",
                                                      "How many {}s can you see in the image?"};
const std::vector<std::string> kColorQuestions = {"What color is the {}?",
                                                  "Which color does the {} have?"};
const std::vector<std::string> kSpatialQuestions = {"Is the {a} {r} the {b}?",
                                                    "Is it true that the {a} is {r} the {b}?"};
const std::vector<std::string> kCaptionQuestions = {"Describe the image briefly.",
                                                    "Give a short caption for this picture."};
const std::vector<std::string> kDetailQuestions = {
    "Describe the image in detail.", "What do you see in this picture? Please be thorough.",
    "Give a detailed description of the scene."};

std::string Replace(std::string s, const std::string& key, const std::string& value) {
  return s.replace(s.find(key), key.size(), value);
}

std::string Named(const Shape& s) {
  return ColorNames()[s.color] + " " + ShapeNames()[static_cast<int>(s.kind)];
}

std::string NearNumber(int n, Rng* rng) { return std::to_string(n == 0 || rng->Chance(0.5) ? n + 1 : n - 1); }

}  // namespace

std::string SceneSource::SaveScene(const std::string& split, const Scene& scene) {
  return Save("scenes/" + split + "-" + Padded(next_image_++, 6) + ".png", scene.Render(ctx_.scale));
}

SceneSource::Item SceneSource::NewItem(const std::string& split) {
  Item item;
  item.scene = Scene::Random(&rng_);
  item.image = SaveScene(split, item.scene);
  return item;
}

bool SceneSource::RandomSpec(Kind kind, const Scene& scene, Spec* spec) {
  const int n = static_cast<int>(scene.shapes.size());
  *spec = Spec{kind, rng_.Below(12)};
  switch (kind) {
    case kCountKind:
      spec->a = rng_.Below(kShapeKinds);
      return true;
    case kColor: {  // about a shape whose kind is unique in the scene
      spec->a = rng_.Below(n);
      return scene.Count(scene.shapes[spec->a].kind) == 1;
    }
    case kSpatial: {
      if (n < 2) return false;
      spec->a = rng_.Below(n);
      spec->b = (spec->a + rng_.Between(1, n - 1)) % n;
      spec->relation = static_cast<Relation>(rng_.Below(4));
      return Decidable(scene.shapes[spec->a], scene.shapes[spec->b], spec->relation);
    }
    default:
      return true;
  }
}

QA SceneSource::Ask(const Spec& spec, const Scene& scene) {
  switch (spec.kind) {
    case kCountAll: {
      const int n = static_cast<int>(scene.shapes.size());
      return ShortQA(kCountAllQuestions, spec.variant, std::to_string(n), NearNumber(n, &rng_));
    }
    case kCountKind: {
      const int n = scene.Count(static_cast<ShapeKind>(spec.a));
      std::vector<std::string> qs;
      for (const auto& q : kCountKindQuestions) qs.push_back(Replace(q, "{}", ShapeNames()[spec.a]));
      return ShortQA(qs, spec.variant, std::to_string(n), NearNumber(n, &rng_));
    }
    case kColor: {
      const Shape& s = scene.shapes[spec.a];
      std::vector<std::string> qs;
      for (const auto& q : kColorQuestions) qs.push_back(Replace(q, "{}", ShapeNames()[static_cast<int>(s.kind)]));
      const std::string& color = ColorNames()[s.color];
      return ShortQA(qs, spec.variant, color, OtherThan(ColorNames(), color, &rng_));
    }
    case kSpatial: {
      const Shape &a = scene.shapes[spec.a], &b = scene.shapes[spec.b];
      std::string q = kSpatialQuestions[spec.variant % kSpatialQuestions.size()];
      q = Replace(Replace(Replace(q, "{a}", Named(a)), "{r}", RelationPhrase(spec.relation)), "{b}", Named(b));
      return YesNoQA(q, Holds(a, b, spec.relation));
    }
    default:
      return {kCaptionQuestions[spec.variant % kCaptionQuestions.size()], scene.ShortCaption(), ""};
  }
}

const std::vector<std::string>& SceneSource::Tasks() {
  static const std::vector<std::string> kTasks = {"scene-count", "scene-count-kind", "scene-color",
                                                  "scene-spatial", "scene-caption"};
  return kTasks;  // indexed by Kind
}

DemoRecord SceneSource::Render(const Item& item, const std::string& id, int variant_shift) {
  DemoRecord rec = NewRecord(id, item.image, "scenes", Tasks()[item.specs.front().kind]);
  for (Spec spec : item.specs) {
    spec.variant += variant_shift;
    rec.turns.push_back(Ask(spec, item.scene));
  }
  return rec;
}

std::vector<DemoRecord> SceneSource::Train(int count, const Redundancy& redundancy) {
  const std::vector<Kind> mix = {kCountAll, kCountAll, kCountKind, kCountKind, kColor, kColor,
                                 kColor,    kSpatial,  kSpatial,   kSpatial,   kCaption};
  auto make = [&](int k) {
    Item item = NewItem("train");
    const int turns = rng_.Chance(0.4) ? rng_.Between(2, 3) : 1;
    for (int tries = 0; tries < 20 && static_cast<int>(item.specs.size()) < turns; ++tries) {
      Spec spec;
      if (RandomSpec(rng_.Pick(mix), item.scene, &spec)) item.specs.push_back(spec);
    }
    if (item.specs.empty()) item.specs.push_back({kCountAll, rng_.Below(12)});
    items_.push_back(item);
    return Render(item, "scenes-" + Padded(k, 6), 0);
  };
  auto paraphrase = [&](int base) { return Render(items_[base], "", 1); };
  items_.clear();
  return BuildWithRedundancy(count, redundancy, &rng_, make, paraphrase);
}

SceneSource::Item SceneSource::PosedItem(Kind kind, const std::string& split) {
  for (;;) {
    Item item;
    item.scene = Scene::Random(&rng_);
    Spec spec;
    bool ok = false;
    for (int tries = 0; tries < 10 && !ok; ++tries) ok = RandomSpec(kind, item.scene, &spec);
    if (!ok) continue;  // this scene cannot pose the question: draw another
    item.image = SaveScene(split, item.scene);
    item.specs.push_back(spec);
    return item;
  }
}

std::vector<DemoRecord> SceneSource::TrainTask(const std::string& task, int count, double near_duplicates) {
  const auto& tasks = Tasks();
  const Kind kind = static_cast<Kind>(std::find(tasks.begin(), tasks.end(), task) - tasks.begin());
  auto make = [&](int k) {
    items_.push_back(PosedItem(kind, "train"));
    return Render(items_.back(), task + "-" + Padded(k, 6), 0);
  };
  auto paraphrase = [&](int base) { return Render(items_[base], "", 1); };
  items_.clear();
  return BuildWithRedundancy(count, {0, near_duplicates, 0}, &rng_, make, paraphrase);
}

std::vector<DemoRecord> SceneSource::Detail(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    Item item = NewItem("detail");
    DemoRecord rec = NewRecord("detail-" + Padded(k, 6), item.image, "scene-detail", "scene-detail");
    rec.turns.push_back({rng_.Pick(kDetailQuestions), item.scene.LongDescription(), ""});
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DemoRecord> SceneSource::Pretrain(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    Item item = NewItem("pretrain");
    DemoRecord rec = NewRecord("pretrain-scenes-" + Padded(k, 6), item.image, "scenes");
    rec.turns.push_back({"", item.scene.ShortCaption(), ""});
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DemoRecord> SceneSource::Bench(SceneBench kind, int count) {
  static const char* kNames[] = {"scene-count", "scene-color", "scene-spatial"};
  static const Kind kKinds[] = {kCountAll, kColor, kSpatial};
  std::vector<DemoRecord> out;
  while (static_cast<int>(out.size()) < count) {
    Item item = PosedItem(kKinds[static_cast<int>(kind)], "bench");
    item.specs[0].variant = 0;
    DemoRecord rec = Render(item, "", 0);
    rec.benchmark = kNames[static_cast<int>(kind)];
    rec.metric = kind == SceneBench::kSpatial ? "yes_no" : "exact_match";
    rec.id = rec.benchmark + "-" + Padded(static_cast<long>(out.size()), 5);
    rec.turns.back().wrong.clear();
    out.push_back(std::move(rec));
  }
  return out;
}

DemoRecord SceneSource::CaptionBench(int k) {
  Item item = NewItem("bench");
  DemoRecord rec = Render({item.image, item.scene, {{kCaption, 0}}}, "caption-scenes-" + Padded(k, 5), 0);
  return rec;
}

}  // namespace xmas::demodata
