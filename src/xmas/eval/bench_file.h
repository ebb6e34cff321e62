// Benchmark files: questions with gold answers, each benchmark scored by one
// metric (metrics.h).
//
// Accepted layouts (JSON):
//   - an object {"name": "...", "metric": "...", "records": [ ... ]}
//     ("questions" or "items" may stand for "records");
//   - a plain array of records (a LLaVA-style file with gold answers).
// A record:
//   "id"        string or number (required)
//   "image"     relative image path (optional; see ResolveImagePath)
//   the question: "question" | "prompt" | "text", or the first human turn of
//               "conversations" ("<image>" markers are removed later by the
//               chat template)
//   the gold:   "answer" | "gold" | "gt_answer" | "label" (a string or an array of
//               acceptable answers), or the first gpt turn of "conversations"
//   "options"   | "choices": option texts, for multiple choice (optional)
//   "metric"    the record's metric, overriding the file's (optional)
// The metric falls back to the file's "metric", then to `default_metric`.
// The benchmark's name is the file's "name", else the file name without .json.
#pragma once

#include <string>
#include <vector>

#include "xmas/eval/metrics.h"
#include "xmas/util/status.h"

namespace xmas::eval {

struct BenchItem {
  std::string id;
  std::string image;     // as written in the file; empty = text-only
  std::string question;
  ItemGold gold;
  Metric metric = Metric::kExactMatch;
};

struct BenchFile {
  std::string name;
  std::string path;
  Metric metric = Metric::kExactMatch;  // the file's metric (items may override)
  std::vector<BenchItem> items;
};

// Reads one benchmark file. Errors are one line naming the file, the record
// (index and id) and the field, e.g.
//   "bench/vqa.json: record 3 (id 'q3'): field 'answer': missing gold answer".
Result<BenchFile> LoadBenchFile(const std::string& path,
                                const std::string& default_metric = "exact_match");

// Every *.json file directly inside `dir` (sorted by name), or `dir` itself
// when it is a file. NotFound when there is none.
Result<std::vector<std::string>> ListBenchFiles(const std::string& dir);

// Where the image of a bench item lives: `image_root`/image when image_root is
// given; otherwise the first existing of <file dir>/image, <file dir>/../image,
// <file dir>/../images/image. NotFound naming the candidates when none exists.
Result<std::string> ResolveImagePath(const BenchFile& file, const std::string& image,
                                     const std::string& image_root);

}  // namespace xmas::eval
