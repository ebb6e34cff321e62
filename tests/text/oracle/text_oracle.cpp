// text_oracle MODE DIR: compares xmas with the JS oracle's output in DIR
// (written by tests/oracle_js/encode.mjs).
//   bpe       DIR/<tokenizer>.json {tokenizer_json, cases: [[text, ids]]}:
//             Tokenizer::Encode must give the oracle's ids for every string.
// Prints the first mismatches and "N passed, N failed"; exit 1 on any.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xmas/text/tokenizer.h"

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

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: text_oracle bpe DIR\n";
    return 2;
  }
  const std::string mode = argv[1];
  Tally tally;
  for (const auto& entry : std::filesystem::directory_iterator(argv[2])) {
    if (entry.path().extension() != ".json") continue;
    const Json doc = ReadJson(entry.path());
    if (mode == "bpe") CheckBpe(doc, &tally);
  }
  if (tally.passed + tally.failed == 0) {
    std::cout << "no case found in " << argv[2] << "\n";
    return 1;
  }
  std::cout << tally.passed << " passed, " << tally.failed << " failed\n";
  return tally.failed == 0 ? 0 : 1;
}
