#include "xmas/demodata/text_source.h"

#include <algorithm>

#include "xmas/demodata/ocr_source.h"
#include "xmas/demodata/phrasing.h"

namespace xmas::demodata {

QA TextSource::Arithmetic() {
  const int op = rng_.Below(3);
  int a = rng_.Between(0, 99), b = rng_.Between(0, 99);
  if (op == 2) {
    a = rng_.Between(2, 12);
    b = rng_.Between(2, 12);
  }
  if (op == 1 && b > a) std::swap(a, b);
  static const char* kWords[] = {"plus", "minus", "times"};
  const int result = op == 0 ? a + b : op == 1 ? a - b : a * b;
  std::string q = rng_.Chance(0.5) ? "What is " + std::to_string(a) + " " + kWords[op] + " " + std::to_string(b) + "?"
                                   : "Compute " + std::to_string(a) + " " + "+-*"[op] + " " + std::to_string(b) + ".";
  return {q + " " + kShortSuffix, std::to_string(result), std::to_string(result + 1)};
}

QA TextSource::WordTask(const std::vector<std::string>& words) {
  const std::string& w = rng_.Pick(words);
  switch (rng_.Below(4)) {
    case 0: {
      std::string r(w.rbegin(), w.rend());
      return {"Write the word \"" + w + "\" backwards.", r, w};
    }
    case 1: {
      std::string up = w;
      std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
      return {"Write \"" + w + "\" in capital letters.", up, w};
    }
    case 2:
      return {"How many letters are in the word \"" + w + "\"? " + kShortSuffix, std::to_string(w.size()),
              std::to_string(w.size() + 1)};
    default:
      return {"What is the first letter of \"" + w + "\"? " + kShortSuffix, std::string(1, w[0]),
              std::string(1, w.back())};
  }
}

std::vector<DemoRecord> TextSource::Train(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    DemoRecord rec = NewRecord("text-" + Padded(k, 6), "", "text");
    const int turns = rng_.Chance(0.25) ? 2 : 1;
    for (int t = 0; t < turns; ++t) {
      const bool arithmetic = rng_.Chance(0.5);
      rec.turns.push_back(arithmetic ? Arithmetic() : WordTask(OcrSource::TrainWords()));
      if (t == 0) rec.task = arithmetic ? "text-arithmetic" : "text-word";
    }
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DemoRecord> TextSource::TrainTask(const std::string& task, int count) {
  const bool arithmetic = task == "text-arithmetic";
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    DemoRecord rec = NewRecord(task + "-" + Padded(k, 6), "", "text", task);
    rec.turns.push_back(arithmetic ? Arithmetic() : WordTask(OcrSource::TrainWords()));
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<DemoRecord> TextSource::Bench(int count) {
  std::vector<DemoRecord> out;
  for (int k = 0; k < count; ++k) {
    DemoRecord rec = NewRecord("text-" + Padded(k, 5), "", "text");
    rec.benchmark = "text";
    rec.metric = "exact_match";
    rec.turns.push_back(rng_.Chance(0.5) ? Arithmetic() : WordTask(OcrSource::HeldOutWords()));
    rec.turns.back().wrong.clear();
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace xmas::demodata
