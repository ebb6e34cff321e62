// Reading the lists `xmas data subset` takes: one record id, or one 0-based
// record index, per line.
#pragma once

#include <string>
#include <vector>

#include "xmas/data/dataset.h"

namespace xmas::data {

// Reads `path`: one index per line (blank lines and trailing "\r" ignored).
// Errors name the file and line: "keep.txt:4: index 9 is out of range
// (data.json has 5 records)", "keep.txt:2: 'x1' is not a record index".
// Returns the indices sorted and without repeats (original record order).
Result<std::vector<size_t>> ReadIndexList(const std::string& path, const Dataset& dataset);

// Reads `path`: one id per line, each selecting every record with that id.
// Unknown ids are errors naming the file and line. Sorted, no repeats.
Result<std::vector<size_t>> ReadIdList(const std::string& path, const Dataset& dataset);

}  // namespace xmas::data
