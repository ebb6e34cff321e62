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

}  // namespace xmas::demodata
