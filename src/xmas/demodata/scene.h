// Procedural scenes: a few coloured shapes on a dark background, with the
// facts the questions are built from (counts, colours, relative positions).
// Coordinates are on the 32×32 base grid; rendering multiplies by the scale.
#pragma once

#include <string>
#include <vector>

#include "xmas/demodata/canvas.h"
#include "xmas/demodata/rng.h"

namespace xmas::demodata {

enum class ShapeKind { kCircle, kSquare, kTriangle };
constexpr int kShapeKinds = 3;
constexpr int kColors = 5;
constexpr int kSceneSide = 32;  // the base grid (source.h kBaseSide)

struct Shape {
  ShapeKind kind;
  int color;   // index into ColorNames()
  int x, y;    // top-left corner of the bounding box
  int size;    // side of the bounding box
  double cx() const { return x + size / 2.0; }
  double cy() const { return y + size / 2.0; }
};

struct Scene {
  std::vector<Shape> shapes;
  uint8_t background = 0;  // grey level of the background

  // 1-4 non-overlapping shapes, no two of the same colour and kind (so
  // "the red circle" always names one shape).
  static Scene Random(Rng* rng);
  Canvas Render(int scale) const;

  int Count(ShapeKind kind) const;
  // "a red circle"
  std::string Phrase(const Shape& s) const;
  // "in the top left corner", "in the center", ... (a 3×3 grid)
  static std::string Region(const Shape& s);
  // One sentence for the pretrain captions: "A red circle and a blue square."
  std::string ShortCaption() const;
  // Several sentences: how many shapes, each one's colour and place, and the
  // relations between neighbours (the scene-detail source).
  std::string LongDescription() const;
};

const std::vector<std::string>& ShapeNames();  // circle, square, triangle
const std::vector<std::string>& ColorNames();  // red, green, blue, yellow, white
std::string CountWord(int n);                  // "one" ... "four"

// Whether a is clearly left of / above b (centres at least 3 base pixels
// apart), so spatial questions are never ambiguous.
enum class Relation { kLeftOf, kRightOf, kAbove, kBelow };
bool Holds(const Shape& a, const Shape& b, Relation r);
bool Decidable(const Shape& a, const Shape& b, Relation r);
const char* RelationPhrase(Relation r);  // "to the left of", ...

}  // namespace xmas::demodata
