#include "xmas/demodata/writer.h"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xmas/util/atomic_file.h"

namespace xmas::demodata {
namespace {

// The pretrain captions' instruction (the plain template ignores it).
constexpr const char* kCaptionPrompt = "Write a short caption for the image.";

nlohmann::ordered_json ToJson(const DemoRecord& rec) {
  nlohmann::ordered_json j;
  j["id"] = rec.id;
  if (!rec.image.empty()) j["image"] = rec.image;
  nlohmann::ordered_json conv = nlohmann::ordered_json::array();
  for (size_t t = 0; t < rec.turns.size(); ++t) {
    std::string question = rec.turns[t].question.empty() ? kCaptionPrompt : rec.turns[t].question;
    if (t == 0 && !rec.image.empty()) question = "<image>\n" + question;
    conv.push_back({{"from", "human"}, {"value", question}});
    conv.push_back({{"from", "gpt"}, {"value", rec.turns[t].answer}});
  }
  j["conversations"] = std::move(conv);
  if (!rec.benchmark.empty()) {
    j["benchmark"] = rec.benchmark;
    j["answer"] = rec.turns.back().answer;
    j["metric"] = rec.metric;
    if (!rec.choices.empty()) j["choices"] = rec.choices;
  }
  return j;
}

size_t Words(const std::string& text) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string word; in >> word;) ++n;
  return n;
}

size_t WordsAfterImage(const DemoRecord& rec) {
  size_t n = 0;
  for (const QA& qa : rec.turns) n += Words(qa.question) + Words(qa.answer);
  return n;
}

}  // namespace

std::string TruthToJson(const std::vector<DemoRecord>& train, const std::string& data_file) {
  std::map<std::string, size_t> group_of_id;
  std::string out = "{\"generator\": \"xmas demo-data\", \"format_version\": 1, \"data\": ";
  out += nlohmann::json(data_file).dump() + ",\n\"records\": [\n";
  for (size_t i = 0; i < train.size(); ++i) {
    const DemoRecord& r = train[i];
    const size_t group = group_of_id.emplace(r.id, group_of_id.size()).first->second;
    nlohmann::ordered_json j;
    j["index"] = i;
    j["id"] = r.id;
    j["source"] = r.source;
    j["task"] = r.task;
    j["group"] = group;
    j["paraphrase_of"] = r.paraphrase_of.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.paraphrase_of);
    j["noisy"] = r.noisy;
    j["words_after_image"] = WordsAfterImage(r);
    out += j.dump();
    out += i + 1 < train.size() ? ",\n" : "\n";
  }
  return out + "]}\n";
}

std::string RecordsToJson(const std::vector<DemoRecord>& records) {
  std::string out = "[\n";
  for (size_t i = 0; i < records.size(); ++i) {
    out += ToJson(records[i]).dump();
    out += i + 1 < records.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

Status WriteRecords(const std::string& path, const std::vector<DemoRecord>& records) {
  return WriteFileAtomic(path, RecordsToJson(records));
}

}  // namespace xmas::demodata
