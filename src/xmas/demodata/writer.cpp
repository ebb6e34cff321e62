#include "xmas/demodata/writer.h"

#include <nlohmann/json.hpp>

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

}  // namespace

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
