#include "xmas/demodata/ocr_source.h"

#include "xmas/demodata/phrasing.h"

namespace xmas::demodata {
namespace {

const std::vector<std::string> kWordQuestions = {
    "What word is written in the image?", "What does the text in the image say?",
    "Read the text in the image."};
const std::vector<std::string> kNumberQuestions = {
    "What number is shown in the image?", "Which number is written here?",
    "Read the number in the image."};
const std::vector<std::string> kLengthQuestions = {"How many characters does the text have?",
                                                   "How long is the text, in characters?"};

struct Ink {
  const char* name;
  Rgb fg, bg;
};
const Ink kInks[] = {{"black", {10, 10, 10}, {245, 245, 245}},
                     {"black", {0, 0, 0}, {230, 225, 200}},
                     {"white", {250, 250, 250}, {20, 20, 20}},
                     {"red", {200, 30, 30}, {245, 245, 245}},
                     {"blue", {30, 50, 200}, {245, 245, 245}}};

std::string RandomNumber(Rng* rng) {
  static const int kLimits[] = {10, 100, 1000, 10000};
  return std::to_string(rng->Below(kLimits[rng->Below(4)]));
}

}  // namespace

const std::vector<std::string>& OcrSource::TrainWords() {
  static const std::vector<std::string> kWords = {
      "cat", "dog", "sun", "car", "tree", "book", "fish", "bird", "milk", "rain", "star", "road",
      "door", "ship", "cake", "lamp", "frog", "king", "moon", "rose", "salt", "wolf", "bell", "coat",
      "hat", "pen", "cup", "box", "key", "map", "egg", "ice", "owl", "bee", "fox", "cow", "pig",
      "ant", "bus", "jam", "ring", "sand", "snow", "wind", "fire", "gold", "iron", "leaf", "lake",
      "hill", "farm", "corn", "rice", "bread", "apple", "grape", "lemon", "melon", "peach", "house",
      "chair", "table", "clock", "phone", "river", "cloud", "storm", "stone", "plant", "horse",
      "mouse", "tiger", "zebra", "sheep", "train", "plane", "truck", "bike", "boat", "shoe", "sock",
      "belt", "ball", "kite", "doll", "drum", "song", "word", "city", "town", "park", "shop", "bank",
      "desk", "wall", "roof", "path", "gate", "yard", "pond", "seed", "root", "wood", "glass",
      "paper", "water", "light", "night", "green", "black", "white", "brown", "happy", "quick",
      "small", "large", "sweet", "sharp", "quiet", "loud", "warm", "cold", "fast", "slow", "tall",
      "soft", "hard", "dark", "blue", "red", "pink", "gray", "open", "shut", "left", "right", "up",
      "down", "yes", "no", "one", "two", "six", "ten"};
  return kWords;
}

const std::vector<std::string>& OcrSource::HeldOutWords() {
  static const std::vector<std::string> kWords = {
      "pear", "goat", "duck", "crab", "nest", "wave", "rock", "hand", "foot", "nose", "bowl",
      "fork", "spoon", "knife", "towel", "brush", "chalk", "flag", "tent", "rope", "sail", "mast",
      "vase", "jar", "lid", "mug", "pan", "pot", "oven", "sink", "bath", "soap", "comb", "wig",
      "gem", "coin", "card", "note", "mail", "plum", "kiwi", "lime", "fig", "date"};
  return kWords;
}

OcrSource::Item OcrSource::NewItem(const std::string& split, bool held_out) {
  Item item;
  item.number = rng_.Chance(0.3);
  item.text = item.number ? RandomNumber(&rng_) : rng_.Pick(held_out ? HeldOutWords() : TrainWords());
  const Ink& ink = kInks[rng_.Below(5)];
  item.color = ink.name;
  Canvas canvas(ctx_.side(), ctx_.side(), ink.bg);
  const int s = ctx_.scale;
  ctx_.font->Draw(item.text, ink.fg, rng_.Between(12, 16) * s, rng_.Between(-1, 1) * s,
                  rng_.Between(-4, 4) * s, &canvas);
  item.image = Save("ocr/" + split + "-" + Padded(next_image_++, 6) + ".png", canvas);
  item.variant = rng_.Below(12);
  return item;
}

DemoRecord OcrSource::Render(const Item& item, const std::string& id, int variant_shift) {
  // The first turn reads; a second may ask the length.
  DemoRecord rec = NewRecord(id, item.image, "ocr", "ocr-read");
  const int v = item.variant + variant_shift;
  const std::string wrong = item.number ? RandomNumber(&rng_) : OtherThan(TrainWords(), item.text, &rng_);
  rec.turns.push_back(ShortQA(item.number ? kNumberQuestions : kWordQuestions, v, item.text, wrong));
  if (item.ask_length) {
    const int n = static_cast<int>(item.text.size());
    rec.turns.push_back(ShortQA(kLengthQuestions, v, std::to_string(n), std::to_string(n + 1)));
  }
  return rec;
}

std::string OcrSource::Caption(const Item& item) const {
  return std::string(item.number ? "The number " : "The word \"") + item.text +
         (item.number ? "" : "\"") + " written in " + item.color + ".";
}

std::vector<DemoRecord> OcrSource::Train(int count, const Redundancy& redundancy) {
  auto make = [&](int k) {
    Item item = NewItem("train", false);
    item.ask_length = rng_.Chance(0.2);
    items_.push_back(item);
    return Render(item, "ocr-" + Padded(k, 6), 0);
  };
  auto paraphrase = [&](int base) { return Render(items_[base], "", 1); };
  items_.clear();
  return BuildWithRedundancy(count, redundancy, &rng_, make, paraphrase);
}

std::vector<DemoRecord> OcrSource::TrainRead(int count, double near_duplicates) {
  auto make = [&](int k) {
    items_.push_back(NewItem("train", false));
    return Render(items_.back(), "ocr-read-" + Padded(k, 6), 0);
  };
  auto paraphrase = [&](int base) { return Render(items_[base], "", 1); };
  items_.clear();
  return BuildWithRedundancy(count, {0, near_duplicates, 0}, &rng_, make, paraphrase);
}

std::vector<DemoRecord> OcrSource::Pretrain(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    Item item = NewItem("pretrain", false);
    DemoRecord rec = NewRecord("pretrain-ocr-" + Padded(k, 6), item.image, "ocr");
    rec.turns.push_back({"", Caption(item), ""});
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DemoRecord> OcrSource::Bench(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    Item item = NewItem("bench", true);
    item.variant = 0;
    DemoRecord rec = Render(item, "ocr-" + Padded(k, 5), 0);
    rec.benchmark = "ocr";
    rec.metric = "exact_match";
    rec.turns.back().wrong.clear();
    out.push_back(std::move(rec));
  }
  return out;
}

DemoRecord OcrSource::CaptionBench(int k) {
  Item item = NewItem("bench", true);
  DemoRecord rec = NewRecord("caption-ocr-" + Padded(k, 5), item.image, "ocr");
  rec.turns.push_back({"Describe the image briefly.", Caption(item), ""});
  return rec;
}

}  // namespace xmas::demodata
