#include "xmas/demodata/fashion_source.h"

#include <algorithm>
#include <numeric>

#include "xmas/demodata/phrasing.h"

namespace xmas::demodata {
namespace {

const std::vector<std::string> kItemQuestions = {
    "What item is this?", "What kind of clothing item is shown in the image?",
    "Which article is in the picture?", "What is the object in this photo?"};
const std::vector<std::string> kProbeQuestions = {"Is this {}?", "Is there {} in the image?",
                                                  "Does the picture show {}?"};
const std::vector<std::string> kGroupQuestions = {"Is this item {}?", "Would you call this {}?"};
const std::vector<std::string> kGroupNameQuestions = {
    "Is this a top, a bottom, a dress, footwear or a bag?",
    "Which category does this item belong to: top, bottom, dress, footwear or bag?"};
const std::vector<std::string> kCaptionQuestions = {"Describe the image briefly.",
                                                    "Give a short caption for this picture."};
const std::vector<std::string> kGroupNames = {"top", "bottom", "dress", "footwear", "bag"};

std::string Fill(const std::string& pattern, const std::string& value) {
  std::string s = pattern;
  return s.replace(s.find("{}"), 2, value);
}

// "a pair of trousers" reads better than "a trousers".
std::string ClassPhrase(int label) {
  return label == 1 ? "a pair of trousers" : WithArticle(FashionClassName(label));
}

std::string GroupPhrase(int group) {
  static const std::vector<std::string> kPhrases = {"a top", "worn on the legs", "a dress",
                                                    "footwear", "a bag"};
  return kPhrases[group];
}

std::string Caption(int label) { return Capitalized(ClassPhrase(label)) + " on a black background."; }

}  // namespace

FashionSource::FashionSource(const SourceContext& ctx, uint64_t seed) : SourceBase(ctx), rng_(seed) {
  train_order_.resize(ctx.fashion->train.size());
  std::iota(train_order_.begin(), train_order_.end(), 0);
  rng_.Shuffle(&train_order_);
}

std::string FashionSource::SaveImage(const FashionSplit& split, size_t index, const std::string& name) {
  const int s = ctx_.scale, pad = (kBaseSide - kFashionSide) / 2;
  Canvas canvas(ctx_.side(), ctx_.side(), {0, 0, 0});
  const uint8_t* px = split.image(index);
  for (int y = 0; y < kFashionSide * s; ++y) {
    for (int x = 0; x < kFashionSide * s; ++x) {
      uint8_t v = px[(y / s) * kFashionSide + x / s];
      canvas.Set(pad * s + x, pad * s + y, {v, v, v});
    }
  }
  return Save("fmnist/" + name + "-" + Padded(static_cast<long>(index), 5) + ".png", canvas);
}

FashionSource::Spec FashionSource::RandomSpec(Kind kind, int label) {
  Spec spec{kind, rng_.Below(12), 0};
  if (kind == kProbe) {  // balanced: half the probes name the true class
    spec.param = rng_.Chance(0.5) ? label : (label + rng_.Between(1, kFashionClasses - 1)) % kFashionClasses;
  } else if (kind == kGroupYesNo) {
    int own = static_cast<int>(FashionGroupOf(label));
    spec.param = rng_.Chance(0.5) ? own : (own + rng_.Between(1, 4)) % 5;
  }
  return spec;
}

QA FashionSource::Ask(const Spec& spec, int label) {
  const std::string& name = FashionClassName(label);
  const int group = static_cast<int>(FashionGroupOf(label));
  switch (spec.kind) {
    case kItem: {
      std::string wrong = FashionClassName((label + 1 + rng_.Below(kFashionClasses - 1)) % kFashionClasses);
      return ShortQA(kItemQuestions, spec.variant, name, wrong);
    }
    case kProbe: {
      const std::string& q = kProbeQuestions[spec.variant % kProbeQuestions.size()];
      return YesNoQA(Fill(q, ClassPhrase(spec.param)), spec.param == label);
    }
    case kGroupYesNo: {
      const std::string& q = kGroupQuestions[spec.variant % kGroupQuestions.size()];
      return YesNoQA(Fill(q, GroupPhrase(spec.param)), spec.param == group);
    }
    case kGroupName:
      return ShortQA(kGroupNameQuestions, spec.variant, kGroupNames[group],
                     OtherThan(kGroupNames, kGroupNames[group], &rng_));
    default:
      return {kCaptionQuestions[spec.variant % kCaptionQuestions.size()], Caption(label), ""};
  }
}

const std::vector<std::string>& FashionSource::Tasks() {
  static const std::vector<std::string> kTasks = {"fmnist-item", "fmnist-probe", "fmnist-group",
                                                  "fmnist-group-name", "fmnist-caption"};
  return kTasks;  // indexed by Kind
}

DemoRecord FashionSource::Render(const Item& item, const std::string& id, int variant_shift) {
  DemoRecord rec = NewRecord(id, item.image, "fmnist", Tasks()[item.specs.front().kind]);
  for (Spec spec : item.specs) {
    spec.variant += variant_shift;
    rec.turns.push_back(Ask(spec, item.label));
  }
  return rec;
}

FashionSource::Item FashionSource::NewTrainItem(Kind kind) {
  const size_t index = train_order_[next_train_++ % train_order_.size()];
  Item item{SaveImage(ctx_.fashion->train, index, "train"), ctx_.fashion->train.labels[index], {}};
  item.specs.push_back(RandomSpec(kind, item.label));
  return item;
}

std::vector<DemoRecord> FashionSource::Train(int count, const Redundancy& redundancy) {
  // First-turn task mix; later turns (30% of records have 2-3) add other kinds.
  const std::vector<Kind> first = {kItem, kItem, kItem, kItem, kProbe, kProbe, kProbe,
                                   kGroupYesNo, kGroupYesNo, kGroupName, kCaption};
  auto make = [&](int k) {
    Item item = NewTrainItem(rng_.Pick(first));
    const int extra = rng_.Chance(0.3) ? rng_.Between(1, 2) : 0;
    for (int t = 0; t < extra; ++t) {  // later turns ask about something else
      Kind kind = static_cast<Kind>(rng_.Below(4));
      while (kind == item.specs[t].kind) kind = static_cast<Kind>(rng_.Below(4));
      item.specs.push_back(RandomSpec(kind, item.label));
    }
    items_.push_back(item);
    return Render(item, "fmnist-" + Padded(k, 6), 0);
  };
  auto paraphrase = [&](int base) { return Render(items_[base], "", 1); };
  items_.clear();
  return BuildWithRedundancy(count, redundancy, &rng_, make, paraphrase);
}

std::vector<DemoRecord> FashionSource::TrainTask(const std::string& task, int count, double near_duplicates) {
  const auto& tasks = Tasks();
  const Kind kind = static_cast<Kind>(std::find(tasks.begin(), tasks.end(), task) - tasks.begin());
  auto make = [&](int k) {
    items_.push_back(NewTrainItem(kind));
    return Render(items_.back(), task + "-" + Padded(k, 6), 0);
  };
  auto paraphrase = [&](int base) { return Render(items_[base], "", 1); };
  items_.clear();
  return BuildWithRedundancy(count, {0, near_duplicates, 0}, &rng_, make, paraphrase);
}

std::vector<DemoRecord> FashionSource::Pretrain(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    const size_t index = train_order_[next_train_++ % train_order_.size()];
    const int label = ctx_.fashion->train.labels[index];
    DemoRecord rec =
        NewRecord("pretrain-fmnist-" + Padded(k, 6), SaveImage(ctx_.fashion->train, index, "train"), "fmnist");
    rec.turns.push_back({"", Caption(label), ""});
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DemoRecord> FashionSource::Bench(FashionBench kind, int count) {
  static const char* kNames[] = {"fmnist-item", "fmnist-pope", "fmnist-choice"};
  static const char* kMetrics[] = {"exact_match", "yes_no", "multiple_choice"};
  const FashionSplit& test = ctx_.fashion->test;
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    const size_t index = static_cast<size_t>(rng_.Below(static_cast<int>(test.size())));
    const int label = test.labels[index];
    DemoRecord rec;
    rec.image = SaveImage(test, index, "test");
    rec.source = "fmnist";
    rec.benchmark = kNames[static_cast<int>(kind)];
    rec.metric = kMetrics[static_cast<int>(kind)];
    rec.id = rec.benchmark + "-" + Padded(k, 5);
    if (kind == FashionBench::kChoice) {
      std::vector<int> options = {label};
      while (options.size() < 4) {
        int other = rng_.Below(kFashionClasses);
        if (std::find(options.begin(), options.end(), other) == options.end()) options.push_back(other);
      }
      rng_.Shuffle(&options);
      std::string question = "Which item is shown in the image?";
      for (size_t o = 0; o < options.size(); ++o) {
        rec.choices.push_back(FashionClassName(options[o]));
        question += "\n" + std::string(1, static_cast<char>('A' + o)) + ". " + rec.choices.back();
        if (options[o] == label) rec.turns.push_back({"", std::string(1, static_cast<char>('A' + o)), ""});
      }
      rec.turns.back().question = question + "\n" + kChoiceSuffix;
    } else {
      Spec spec = RandomSpec(kind == FashionBench::kItem ? kItem : kProbe, label);
      spec.variant = 0;  // benchmarks use one fixed wording
      rec.turns.push_back(Ask(spec, label));
      rec.turns.back().wrong.clear();
    }
    out.push_back(std::move(rec));
  }
  return out;
}

DemoRecord FashionSource::CaptionBench(int k) {
  const FashionSplit& test = ctx_.fashion->test;
  const size_t index = static_cast<size_t>(rng_.Below(static_cast<int>(test.size())));
  DemoRecord rec = NewRecord("caption-fmnist-" + Padded(k, 5), SaveImage(test, index, "test"), "fmnist");
  rec.turns.push_back({kCaptionQuestions[0], Caption(test.labels[index]), ""});
  return rec;
}

}  // namespace xmas::demodata
