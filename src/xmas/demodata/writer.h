// Serialising generated records: LLaVA JSON lists (one record per line, so
// files diff and grep well) and the manifest.
#pragma once

#include <string>
#include <vector>

#include "xmas/demodata/record.h"
#include "xmas/util/status.h"

namespace xmas::demodata {

// The LLaVA JSON array of `records`: id, image (when present),
// conversations ("<image>\n" starts the first human turn of an image
// record), then the benchmark fields of benchmark records.
std::string RecordsToJson(const std::vector<DemoRecord>& records);

// Writes RecordsToJson(records) to `path` atomically.
Status WriteRecords(const std::string& path, const std::vector<DemoRecord>& records);

// truth.json: what every training record is (docs/formats.md), one record
// per line in train.json order: index, id, source, task, duplicate group
// (records with the same id are exact copies; groups are numbered by first
// appearance), paraphrase_of (the id of the record it rewords, or null),
// noisy (an answer is wrong) and words_after_image (whitespace-separated
// words of every question and answer; the image placeholder is not a word).
std::string TruthToJson(const std::vector<DemoRecord>& train, const std::string& data_file);

}  // namespace xmas::demodata
