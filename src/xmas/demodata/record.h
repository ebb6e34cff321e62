// One generated conversation before it is written as a LLaVA record.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "xmas/demodata/rng.h"

namespace xmas::demodata {

struct QA {
  std::string question;
  std::string answer;
  std::string wrong;  // a plausible wrong answer, used to inject label noise
};

struct DemoRecord {
  std::string id;
  std::string image;     // path relative to DIR/images; empty for text-only
  std::string source;    // fmnist, scenes, scene-detail, ocr, text (manifest counts)
  std::string task;      // the first turn's task, e.g. fmnist-probe (truth.json)
  std::vector<QA> turns;
  // Redundancy and noise bookkeeping (manifest only, never written to records).
  bool exact_duplicate = false;
  bool near_duplicate = false;
  bool noisy = false;
  std::string paraphrase_of;  // near duplicates: the id of the record they reword
  // Benchmark fields (empty for training records).
  std::string benchmark;
  std::string metric;  // exact_match, yes_no, multiple_choice or token_f1
  std::vector<std::string> choices;
};

// A record with its identity set and no turns yet (`image` empty: text-only).
inline DemoRecord NewRecord(std::string id, std::string image, std::string source, std::string task = {}) {
  DemoRecord rec;
  rec.id = std::move(id);
  rec.image = std::move(image);
  rec.source = std::move(source);
  rec.task = std::move(task);
  return rec;
}

// What redundancy and noise to add to a source (fractions of its records).
struct Redundancy {
  double exact_duplicates = 0;  // copies of an earlier record, same id
  double near_duplicates = 0;   // same image, paraphrased questions, new id
  double label_noise = 0;       // a turn's answer replaced by QA::wrong
};

// Gives each turn that has a wrong answer, with probability `p`, that wrong
// answer instead, and marks its record noisy (one draw per such turn, in
// order).
inline void ApplyLabelNoise(double p, Rng* rng, std::vector<DemoRecord>* records) {
  for (DemoRecord& rec : *records) {
    for (QA& qa : rec.turns) {
      if (!qa.wrong.empty() && rng->Chance(p)) {
        qa.answer = qa.wrong;
        rec.noisy = true;
      }
    }
  }
}

// Builds `count` records: first unique ones from make(k), then near
// duplicates (paraphrase(k): record k asked in other words; its id becomes
// "<id of k>-p<n>") and
// exact copies, with label noise applied to unique and near-duplicate
// records. Deterministic for a given rng state.
template <typename Make, typename Paraphrase>
std::vector<DemoRecord> BuildWithRedundancy(int count, const Redundancy& r, Rng* rng, Make make,
                                            Paraphrase paraphrase) {
  const int exact = static_cast<int>(count * r.exact_duplicates);
  const int near = static_cast<int>(count * r.near_duplicates);
  const int unique = count - exact - near;
  std::vector<DemoRecord> out;
  out.reserve(count);
  for (int k = 0; k < unique; ++k) out.push_back(make(k));
  for (int k = 0; k < near && unique > 0; ++k) {
    const int base = rng->Below(unique);
    DemoRecord copy = paraphrase(base);
    copy.id = out[base].id + "-p" + std::to_string(k);
    copy.near_duplicate = true;
    copy.paraphrase_of = out[base].id;
    out.push_back(std::move(copy));
  }
  ApplyLabelNoise(r.label_noise, rng, &out);
  const int originals = static_cast<int>(out.size());
  for (int k = 0; k < exact && originals > 0; ++k) {
    DemoRecord copy = out[rng->Below(originals)];
    copy.exact_duplicate = true;
    copy.near_duplicate = false;  // counted once, as an exact duplicate
    out.push_back(std::move(copy));
  }
  return out;
}

}  // namespace xmas::demodata
