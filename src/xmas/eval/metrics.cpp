#include "xmas/eval/metrics.h"
#include "xmas/util/enum_names.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace xmas::eval {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

const std::unordered_map<std::string, std::string>& NumberWords() {
  static const auto* words = new std::unordered_map<std::string, std::string>{
      {"zero", "0"},     {"one", "1"},      {"two", "2"},       {"three", "3"},
      {"four", "4"},     {"five", "5"},     {"six", "6"},       {"seven", "7"},
      {"eight", "8"},    {"nine", "9"},     {"ten", "10"},      {"eleven", "11"},
      {"twelve", "12"},  {"thirteen", "13"}, {"fourteen", "14"}, {"fifteen", "15"},
      {"sixteen", "16"}, {"seventeen", "17"}, {"eighteen", "18"}, {"nineteen", "19"},
      {"twenty", "20"}};
  return *words;
}

// Lower case; punctuation becomes a space except '.'/',' between digits
// ('.' kept, ',' dropped as a thousands separator).
std::string CleanCharacters(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool between_digits = i > 0 && i + 1 < text.size() && IsDigit(text[i - 1]) && IsDigit(text[i + 1]);
    if ((c == '.' || c == ',') && between_digits) {
      if (c == '.') out += c;
    } else if (static_cast<unsigned char>(c) >= 0x80 || IsAlnum(c)) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += ' ';
    }
  }
  return out;
}

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

double WordF1(const std::vector<std::string>& pred, const std::vector<std::string>& gold) {
  if (pred.empty() || gold.empty()) return pred.empty() && gold.empty() ? 1.0 : 0.0;
  std::unordered_map<std::string, int> counts;
  for (const auto& w : gold) ++counts[w];
  int common = 0;
  for (const auto& w : pred) {
    auto it = counts.find(w);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++common;
    }
  }
  if (common == 0) return 0.0;
  double precision = static_cast<double>(common) / pred.size();
  double recall = static_cast<double>(common) / gold.size();
  return 2 * precision * recall / (precision + recall);
}

// A leading option letter: "B", "B.", "(B)", "B) text", "Answer: B".
int LeadingLetter(const std::string& text, size_t num_letters) {
  std::string s = text;
  for (const char* prefix : {"answer:", "answer is", "the answer is", "option"}) {
    std::string lower = s.substr(0, std::min(s.size(), std::string(prefix).size()));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == prefix) s = s.substr(lower.size());
  }
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '(' || s[i] == '\n' || s[i] == '\t')) ++i;
  if (i >= s.size()) return -1;
  char c = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
  if (c < 'A' || c > 'Z' || static_cast<size_t>(c - 'A') >= num_letters) return -1;
  if (i + 1 < s.size() && IsAlnum(s[i + 1])) return -1;  // a word such as "Apple"
  return c - 'A';
}

}  // namespace

namespace {
constexpr EnumName<Metric> kMetricNames[] = {
    {Metric::kExactMatch, "exact_match"},      {Metric::kExactMatch, "em"},
    {Metric::kYesNo, "yes_no"},                {Metric::kYesNo, "yesno"},
    {Metric::kYesNoF1, "yes_no_f1"},           {Metric::kYesNoF1, "pope"},
    {Metric::kMultipleChoice, "multiple_choice"}, {Metric::kMultipleChoice, "mc"},
    {Metric::kTokenF1, "token_f1"},            {Metric::kTokenF1, "f1"}};
}  // namespace

Result<Metric> ParseMetric(const std::string& name) {
  auto m = ParseEnum(kMetricNames, name, "metric");
  if (!m.ok()) return Status::InvalidInput(m.status().message());  // read from a benchmark file
  return m;
}

const char* MetricName(Metric metric) { return NameOf(kMetricNames, metric); }

std::vector<std::string> AnswerWords(const std::string& text) {
  std::vector<std::string> words;
  for (auto& w : SplitSpaces(CleanCharacters(text))) {
    if (w == "a" || w == "an" || w == "the") continue;
    auto it = NumberWords().find(w);
    words.push_back(it == NumberWords().end() ? std::move(w) : it->second);
  }
  return words;
}

std::string NormalizeAnswer(const std::string& text) { return Join(AnswerWords(text)); }

YesNo ParseYesNo(const std::string& text) {
  auto words = SplitSpaces(CleanCharacters(text));
  for (const auto& w : words) {
    if (w == "yes") return YesNo::kYes;
    if (w == "no") return YesNo::kNo;
  }
  for (const auto& w : words) {
    if (w == "not") return YesNo::kNo;
  }
  return YesNo::kUnknown;
}

int ParseChoice(const std::string& text, const std::vector<std::string>& options) {
  size_t letters = options.empty() ? 26 : options.size();
  int letter = LeadingLetter(text, letters);
  if (letter >= 0) return letter;
  std::string pred = NormalizeAnswer(text);
  int contained = -1, num_contained = 0;
  for (size_t i = 0; i < options.size(); ++i) {
    std::string option = NormalizeAnswer(options[i]);
    if (option.empty()) continue;
    if (option == pred) return static_cast<int>(i);
    if ((" " + pred + " ").find(" " + option + " ") != std::string::npos) {
      contained = static_cast<int>(i);
      ++num_contained;
    }
  }
  return num_contained == 1 ? contained : -1;
}

double ExactMatch(const std::string& prediction, const std::vector<std::string>& golds) {
  std::string pred = NormalizeAnswer(prediction);
  for (const auto& g : golds) {
    if (NormalizeAnswer(g) == pred) return 1.0;
  }
  return 0.0;
}

double TokenF1(const std::string& prediction, const std::vector<std::string>& golds) {
  auto pred = AnswerWords(prediction);
  double best = 0;
  for (const auto& g : golds) best = std::max(best, WordF1(pred, AnswerWords(g)));
  return best;
}

Result<double> MetricAccumulator::Add(const std::string& prediction, const ItemGold& gold) {
  if (gold.answers.empty()) return Status::InvalidInput("no gold answer");
  double item = 0;
  switch (metric_) {
    case Metric::kExactMatch: item = ExactMatch(prediction, gold.answers); break;
    case Metric::kTokenF1: item = TokenF1(prediction, gold.answers); break;
    case Metric::kYesNo:
    case Metric::kYesNoF1: {
      XMAS_ASSIGN_OR_RETURN(item, AddYesNo(prediction, gold.answers[0]));
      break;
    }
    case Metric::kMultipleChoice: {
      XMAS_ASSIGN_OR_RETURN(item, AddChoice(prediction, gold));
      break;
    }
  }
  ++count_;
  sum_ += item;
  return item;
}

Result<double> MetricAccumulator::AddYesNo(const std::string& prediction, const std::string& gold) {
  YesNo truth = ParseYesNo(gold);
  if (truth == YesNo::kUnknown) {
    return Status::InvalidInput("gold answer '" + gold + "' is neither yes nor no");
  }
  YesNo said = ParseYesNo(prediction);
  if (said == YesNo::kUnknown) ++unparsed_;
  if (said == YesNo::kYes) ++said_yes_;
  bool said_yes = said == YesNo::kYes;
  if (truth == YesNo::kYes) {
    ++(said_yes ? tp_ : fn_);
  } else if (said_yes) {
    ++fp_;
  } else if (said == YesNo::kNo) {
    ++tn_;
  }
  return said == truth ? 1.0 : 0.0;
}

Result<double> MetricAccumulator::AddChoice(const std::string& prediction, const ItemGold& gold) {
  int truth = ParseChoice(gold.answers[0], gold.options);
  if (truth < 0) {
    return Status::InvalidInput("gold answer '" + gold.answers[0] +
                                "' is not an option letter or option text");
  }
  int said = ParseChoice(prediction, gold.options);
  if (said < 0) ++unparsed_;
  return said == truth ? 1.0 : 0.0;
}

double MetricAccumulator::Score() const {
  if (count_ == 0) return 0;
  if (metric_ == Metric::kYesNoF1) return Extras().at("f1");
  return 100.0 * sum_ / count_;
}

std::map<std::string, double> MetricAccumulator::Extras() const {
  std::map<std::string, double> extras;
  if (count_ == 0) return extras;
  double n = static_cast<double>(count_);
  if (metric_ == Metric::kYesNo || metric_ == Metric::kYesNoF1) {
    double precision = tp_ + fp_ ? 100.0 * tp_ / (tp_ + fp_) : 0;
    double recall = tp_ + fn_ ? 100.0 * tp_ / (tp_ + fn_) : 0;
    extras["accuracy"] = 100.0 * sum_ / n;
    extras["precision"] = precision;
    extras["recall"] = recall;
    extras["f1"] = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    extras["yes_ratio"] = 100.0 * said_yes_ / n;
  }
  if (metric_ != Metric::kExactMatch && metric_ != Metric::kTokenF1) {
    extras["unparsed"] = 100.0 * unparsed_ / n;
  }
  return extras;
}

}  // namespace xmas::eval
