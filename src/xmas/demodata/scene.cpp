#include "xmas/demodata/scene.h"

#include <cmath>

#include "xmas/demodata/phrasing.h"

namespace xmas::demodata {
namespace {

constexpr Rgb kPalette[kColors] = {{220, 40, 40}, {40, 190, 70}, {50, 90, 240}, {240, 220, 40}, {245, 245, 245}};

bool Overlaps(const Shape& a, const Shape& b) {
  return a.x < b.x + b.size + 1 && b.x < a.x + a.size + 1 && a.y < b.y + b.size + 1 && b.y < a.y + a.size + 1;
}

std::string JoinAnd(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? (parts.size() > 2 ? ", and " : " and ") : ", ";
    out += parts[i];
  }
  return out;
}

}  // namespace

const std::vector<std::string>& ShapeNames() {
  static const std::vector<std::string> kNames = {"circle", "square", "triangle"};
  return kNames;
}

const std::vector<std::string>& ColorNames() {
  static const std::vector<std::string> kNames = {"red", "green", "blue", "yellow", "white"};
  return kNames;
}

std::string CountWord(int n) {
  static const char* kWords[] = {"no", "one", "two", "three", "four", "five"};
  return n >= 0 && n <= 5 ? kWords[n] : std::to_string(n);
}

Scene Scene::Random(Rng* rng) {
  static const std::vector<int> kCounts = {1, 2, 2, 3, 3, 3, 4, 4};
  Scene scene;
  scene.background = static_cast<uint8_t>(rng->Between(0, 60));
  const int want = rng->Pick(kCounts);
  for (int tries = 0; tries < 200 && static_cast<int>(scene.shapes.size()) < want; ++tries) {
    Shape s{static_cast<ShapeKind>(rng->Below(kShapeKinds)), rng->Below(kColors), 0, 0, rng->Between(7, 11)};
    s.x = rng->Between(1, kSceneSide - 1 - s.size);
    s.y = rng->Between(1, kSceneSide - 1 - s.size);
    bool free = true;
    for (const Shape& o : scene.shapes) free = free && !Overlaps(s, o) && (o.kind != s.kind || o.color != s.color);
    if (free) scene.shapes.push_back(s);
  }
  return scene;
}

Canvas Scene::Render(int scale) const {
  Canvas canvas(kSceneSide * scale, kSceneSide * scale, {background, background, background});
  for (const Shape& s : shapes) {
    const Rgb c = kPalette[s.color];
    const int x0 = s.x * scale, y0 = s.y * scale, x1 = (s.x + s.size) * scale, y1 = (s.y + s.size) * scale;
    switch (s.kind) {
      case ShapeKind::kCircle: canvas.FillCircle((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 2.0, c); break;
      case ShapeKind::kSquare: canvas.FillRect(x0, y0, x1, y1, c); break;
      case ShapeKind::kTriangle: canvas.FillTriangle(x0, y0, x1, y1, c); break;
    }
  }
  return canvas;
}

int Scene::Count(ShapeKind kind) const {
  int n = 0;
  for (const Shape& s : shapes) n += s.kind == kind;
  return n;
}

std::string Scene::Phrase(const Shape& s) const {
  return "a " + ColorNames()[s.color] + " " + ShapeNames()[static_cast<int>(s.kind)];
}

std::string Scene::Region(const Shape& s) {
  const double third = kSceneSide / 3.0;
  const int col = std::min(2, static_cast<int>(s.cx() / third));
  const int row = std::min(2, static_cast<int>(s.cy() / third));
  static const char* kRegions[3][3] = {
      {"in the top left corner", "at the top", "in the top right corner"},
      {"on the left", "in the center", "on the right"},
      {"in the bottom left corner", "at the bottom", "in the bottom right corner"}};
  return kRegions[row][col];
}

std::string Scene::ShortCaption() const {
  std::vector<std::string> parts;
  for (const Shape& s : shapes) parts.push_back(Phrase(s));
  return Capitalized(JoinAnd(parts)) + ".";
}

std::string Scene::LongDescription() const {
  const int n = static_cast<int>(shapes.size());
  std::string out = "The image shows " + CountWord(n) + (n == 1 ? " shape" : " shapes") + " on a " +
                    (background < 30 ? "black" : "dark grey") + " background.";
  for (const Shape& s : shapes) out += " " + Capitalized(Phrase(s)) + " is " + Region(s) + ".";
  for (int i = 0; i + 1 < n; ++i) {
    const Shape &a = shapes[i], &b = shapes[i + 1];
    for (Relation r : {Relation::kLeftOf, Relation::kAbove}) {
      if (!Decidable(a, b, r)) continue;
      const Relation said = Holds(a, b, r) ? r : (r == Relation::kLeftOf ? Relation::kRightOf : Relation::kBelow);
      out += " The " + ColorNames()[a.color] + " " + ShapeNames()[static_cast<int>(a.kind)] + " is " +
             RelationPhrase(said) + " the " + ColorNames()[b.color] + " " + ShapeNames()[static_cast<int>(b.kind)] + ".";
      break;
    }
  }
  return out;
}

bool Holds(const Shape& a, const Shape& b, Relation r) {
  switch (r) {
    case Relation::kLeftOf: return a.cx() < b.cx();
    case Relation::kRightOf: return a.cx() > b.cx();
    case Relation::kAbove: return a.cy() < b.cy();
    case Relation::kBelow: return a.cy() > b.cy();
  }
  return false;
}

bool Decidable(const Shape& a, const Shape& b, Relation r) {
  const bool horizontal = r == Relation::kLeftOf || r == Relation::kRightOf;
  return std::fabs(horizontal ? a.cx() - b.cx() : a.cy() - b.cy()) >= 3.0;
}

const char* RelationPhrase(Relation r) {
  switch (r) {
    case Relation::kLeftOf: return "to the left of";
    case Relation::kRightOf: return "to the right of";
    case Relation::kAbove: return "above";
    case Relation::kBelow: return "below";
  }
  return "";
}

}  // namespace xmas::demodata
