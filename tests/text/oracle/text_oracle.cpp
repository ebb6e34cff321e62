// text_oracle MODE DIR: compares xmas with the JS oracle's output in DIR
// (written by tests/oracle_js/encode.mjs).
//   bpe       DIR/<tokenizer>.json {tokenizer_json, cases: [[text, ids]]}:
//             Tokenizer::Encode must give the oracle's ids for every string.
//   template  DIR/<tokenizer>.json {tokenizer_json, cases: [{template, turns,
//             has_image, prompt, jinja, ids, labels}]} from the JS reference
//             renderings (tests/oracle_js/reference_templates.mjs): xmas's
//             prompt, input ids (one image token per image, compared as
//             LLaVA's -200) and labels must be the reference's.
// Prints the first mismatches and "N passed, N failed"; exit 1 on any.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xmas/text/chat_template.h"
#include "xmas/text/template_format.h"
#include "xmas/text/tokenizer.h"
#include "xmas/text/tokenizer_train.h"

namespace {

using Json = nlohmann::json;
using xmas::text::Tokenizer;

std::string Escaped(const std::string& text) { return Json(text).dump(); }

std::string Ids(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

Json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Json::parse(buffer.str());
}

struct Tally {
  int64_t passed = 0, failed = 0;
  void Fail(const std::string& what) {
    if (++failed <= 10) std::cout << "MISMATCH " << what << "\n";
  }
};

void CheckBpe(const Json& doc, Tally* tally) {
  const std::string file = doc["tokenizer_json"];
  const auto start = std::chrono::steady_clock::now();
  auto tok = Tokenizer::Load(file);
  if (!tok.ok()) {
    tally->Fail(file + ": " + tok.status().message());
    return;
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int64_t failed_before = tally->failed, n = 0;
  for (const Json& c : doc["cases"]) {
    const std::string text = c[0];
    const std::vector<int32_t> want = c[1];
    auto got = tok.value().Encode(text);
    ++n;
    if (!got.ok()) {
      tally->Fail(file + " " + Escaped(text) + ": " + got.status().message());
    } else if (got.value() != want) {
      tally->Fail(file + " " + Escaped(text) + "\n  oracle " + Ids(want) + "\n  xmas   " + Ids(got.value()));
    } else {
      ++tally->passed;
    }
  }
  const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << file << ": " << n - (tally->failed - failed_before) << " of " << n
            << " strings equal (load " << load_s << " s, total " << total_s << " s)\n";
}

using xmas::text::kImagePlaceholder;

std::vector<xmas::data::Turn> Turns(const Json& turns) {
  std::vector<xmas::data::Turn> out;
  for (const Json& t : turns) out.push_back({t[0].get<std::string>(), t[1].get<std::string>()});
  return out;
}

std::vector<xmas::text::Exchange> Exchanges(const std::vector<xmas::data::Turn>& turns) {
  std::vector<xmas::text::Exchange> out;
  for (size_t i = 0; i < turns.size(); ++i) {
    const std::string value = xmas::text::StripImageMarkers(turns[i].value);
    if (i % 2 == 0) out.push_back({value, "", false});
    else out.back() = {out.back().question, value, true};
  }
  return out;
}

// One template case; "" when xmas agrees with the reference.
std::string CheckTemplateCase(const Tokenizer& tok, const Json& c) {
  auto kind = xmas::text::ParseTemplateKind(c["template"]);
  if (!kind.ok()) return kind.status().message();
  const auto turns = Turns(c["turns"]);
  const bool has_image = c["has_image"];
  const std::string prompt = xmas::text::RenderPrompt(xmas::text::FormatOf(*kind), Exchanges(turns), has_image);
  if (prompt != c["prompt"].get<std::string>()) {
    return "prompt\n  reference " + Escaped(c["prompt"]) + "\n  xmas      " + Escaped(prompt);
  }
  if (!c["jinja"].is_null() && turns.size() % 2 == 1 && prompt != c["jinja"].get<std::string>()) {
    return "Jinja prompt\n  jinja " + Escaped(c["jinja"]) + "\n  xmas  " + Escaped(prompt);
  }
  xmas::text::TemplateOptions o;
  o.kind = *kind;
  o.num_image_tokens = 1;
  o.allow_no_answer = true;
  auto ex = xmas::text::EncodeConversation(tok, turns, has_image, o);
  if (!ex.ok()) return ex.status().message();
  std::vector<int32_t> ids = ex->input_ids;
  for (int32_t& id : ids) id = id == tok.image_id() ? kImagePlaceholder : id;
  if (ids != c["ids"].get<std::vector<int32_t>>()) {
    return "ids\n  reference " + Ids(c["ids"]) + "\n  xmas      " + Ids(ids);
  }
  if (ex->labels != c["labels"].get<std::vector<int32_t>>()) {
    return "labels\n  reference " + Ids(c["labels"]) + "\n  xmas      " + Ids(ex->labels);
  }
  return "";
}

void CheckTemplates(const Json& doc, Tally* tally) {
  const std::string file = doc["tokenizer_json"];
  auto tok = Tokenizer::Load(file);
  if (!tok.ok()) {
    tally->Fail(file + ": " + tok.status().message());
    return;
  }
  std::map<std::string, std::pair<int, int>> per_template;  // passed, total
  for (const Json& c : doc["cases"]) {
    const std::string problem = CheckTemplateCase(tok.value(), c);
    auto& [passed, total] = per_template[c["template"]];
    ++total;
    if (problem.empty()) {
      ++passed;
      ++tally->passed;
    } else {
      tally->Fail(file + " template " + c["template"].get<std::string>() + " turns " + c["turns"].dump() + ": " + problem);
    }
  }
  std::cout << file << ":";
  for (const auto& [name, counts] : per_template) std::cout << " " << name << " " << counts.first << "/" << counts.second;
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: text_oracle bpe|template DIR\n";
    return 2;
  }
  const std::string mode = argv[1];
  Tally tally;
  for (const auto& entry : std::filesystem::directory_iterator(argv[2])) {
    if (entry.path().extension() != ".json") continue;
    const Json doc = ReadJson(entry.path());
    if (mode == "bpe") CheckBpe(doc, &tally);
    if (mode == "template") CheckTemplates(doc, &tally);
  }
  if (tally.passed + tally.failed == 0) {
    std::cout << "no case found in " << argv[2] << "\n";
    return 1;
  }
  std::cout << tally.passed << " passed, " << tally.failed << " failed\n";
  return tally.failed == 0 ? 0 : 1;
}
