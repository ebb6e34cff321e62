// Shared wording of the generated questions and answers.
#pragma once

#include <string>
#include <vector>

#include "xmas/demodata/record.h"
#include "xmas/demodata/rng.h"

namespace xmas::demodata {

// LLaVA-1.5's suffix for short-answer questions (VQAv2, GQA, POPE prompts).
inline const std::string kShortSuffix = "Answer the question using a single word or phrase.";
// LLaVA-1.5's suffix for multiple-choice questions (MMBench-style prompts).
inline const std::string kChoiceSuffix =
    "Answer with the option's letter from the given choices directly.";

inline std::string YesNo(bool yes) { return yes ? "Yes" : "No"; }

// A short-answer turn: one of `variants` (rotated by `variant`), the suffix,
// the answer and a wrong answer for label noise.
inline QA ShortQA(const std::vector<std::string>& variants, int variant, std::string answer,
                  std::string wrong) {
  return {variants[variant % variants.size()] + " " + kShortSuffix, std::move(answer),
          std::move(wrong)};
}

// A yes/no turn with its opposite as the wrong answer.
inline QA YesNoQA(const std::string& question, bool yes) {
  return {question + " " + kShortSuffix, YesNo(yes), YesNo(!yes)};
}

// "a sneaker" / "an ankle boot".
inline std::string WithArticle(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

// Upper-cases the first letter ("a red circle" -> "A red circle").
inline std::string Capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// Picks a value from `pool` different from `avoid` (pool must have two).
inline std::string OtherThan(const std::vector<std::string>& pool, const std::string& avoid, Rng* rng) {
  for (;;) {
    const std::string& v = rng->Pick(pool);
    if (v != avoid) return v;
  }
}

// Zero-padded decimal ("00042").
inline std::string Padded(long value, int width) {
  std::string s = std::to_string(value);
  return std::string(width > static_cast<int>(s.size()) ? width - s.size() : 0, '0') + s;
}

}  // namespace xmas::demodata
