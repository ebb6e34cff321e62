// Answer metrics for benchmark evaluation (docs/method.md §6): each benchmark names one
// metric, every prediction is scored against its gold answer(s), and a
// MetricAccumulator turns the item scores into the benchmark's score.
//
// Normalisation (all metrics): lower case, punctuation to spaces (a '.' or ','
// between two digits is kept: "3.5", "1,000" -> "1000"), the articles
// a/an/the dropped, number words zero..twenty to digits, whitespace collapsed.
// This is the usual VQA-style cleaning, so "The Cat." matches "cat" and
// "Two" matches "2".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "xmas/util/status.h"

namespace xmas::eval {

enum class Metric {
  kExactMatch,      // normalised prediction equals a normalised gold answer
  kYesNo,           // yes/no questions; score = accuracy (F1 of "yes" reported too)
  kYesNoF1,         // same items, score = F1 with "yes" as the positive class (POPE)
  kMultipleChoice,  // the chosen option (letter or option text) equals the gold option
  kTokenF1,         // SQuAD-style F1 over normalised words (best over gold answers)
};

// "exact_match"|"em", "yes_no"|"yesno", "yes_no_f1"|"pope", "multiple_choice"|"mc",
// "token_f1"|"f1" -> Metric. Unknown names are an InvalidInput naming the name.
Result<Metric> ParseMetric(const std::string& name);
const char* MetricName(Metric metric);

std::string NormalizeAnswer(const std::string& text);
// NormalizeAnswer split on spaces.
std::vector<std::string> AnswerWords(const std::string& text);

enum class YesNo { kYes, kNo, kUnknown };
// The first normalised word that is "yes" or "no" decides; failing that a
// "not" anywhere means no; otherwise unknown (scored as wrong).
YesNo ParseYesNo(const std::string& text);

// The option a prediction chooses, as a 0-based index, or -1. Accepted forms:
// a leading option letter ("B", "B.", "(B)", "B) cat", "Answer: B"), else a
// prediction equal (normalised) to one option's text, else the only option
// text contained in the prediction. Letters range over the options (A..Z
// when `options` is empty).
int ParseChoice(const std::string& text, const std::vector<std::string>& options);

// Item-level scores in [0, 1].
double ExactMatch(const std::string& prediction, const std::vector<std::string>& golds);
double TokenF1(const std::string& prediction, const std::vector<std::string>& golds);

// Everything one benchmark needs to score an item.
struct ItemGold {
  std::vector<std::string> answers;  // acceptable answers (at least one)
  std::vector<std::string> options;  // multiple choice: option texts, in letter order
};

// Scores predictions one at a time and summarises them. Scores are
// percentages (0..100). Extra figures per metric:
//   yes/no: accuracy, precision, recall, f1, yes_ratio (share of "yes" answers),
//           unparsed (share of answers that were neither)
//   multiple choice: unparsed
class MetricAccumulator {
 public:
  explicit MetricAccumulator(Metric metric) : metric_(metric) {}
  // Scores one prediction; returns its item score in [0, 1] (for yes/no F1
  // the item's accuracy). An item without a gold answer is an InvalidInput.
  Result<double> Add(const std::string& prediction, const ItemGold& gold);

  Metric metric() const { return metric_; }
  size_t count() const { return count_; }
  // The benchmark's score in percent (0 when no item was added).
  double Score() const;
  std::map<std::string, double> Extras() const;

 private:
  Result<double> AddYesNo(const std::string& prediction, const std::string& gold);
  Result<double> AddChoice(const std::string& prediction, const ItemGold& gold);

  Metric metric_;
  size_t count_ = 0;
  double sum_ = 0;
  // yes/no confusion counts ("yes" = positive) and parsing failures.
  size_t tp_ = 0, fp_ = 0, fn_ = 0, tn_ = 0, said_yes_ = 0, unparsed_ = 0;
};

}  // namespace xmas::eval
