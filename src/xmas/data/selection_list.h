// The lists a subset is handed on as, and read back from: 0-based record
// indices (a text file, one per line, or a NumPy .npy int64/int32 1-D array,
// COINCIDE/DataComp style) and record ids (one per line).
#pragma once

#include <string>
#include <vector>

#include "xmas/data/dataset.h"

namespace xmas::data {

// Reads `path`: a .npy file (1-D int64 or int32) or one index per line
// (blank lines and trailing "\r" ignored). Errors name the file and line (or
// .npy element): "keep.txt:4: index 9 is out of range (data.json has 5
// records)", "keep.txt:2: 'x1' is not a record index", "keep.npy: element
// 3: index -1 is out of range ...". Returns the indices sorted and without
// repeats (original record order).
Result<std::vector<size_t>> ReadIndexList(const std::string& path, const Dataset& dataset);

// Writes `indices` (sorted into file order) atomically: "*.npy" as a 1-D
// int64 NumPy array, any other name as text, one index per line.
Status WriteIndexList(const std::string& path, std::vector<size_t> indices);

// Writes ids atomically, one per line in the given order. An id holding a
// line break cannot be written one per line: an error naming it.
Status WriteIdList(const std::string& path, const std::vector<std::string>& ids);

// Reads `path`: one id per line, each selecting every record with that id.
// Unknown ids are errors naming the file and line. Sorted, no repeats.
Result<std::vector<size_t>> ReadIdList(const std::string& path, const Dataset& dataset);

}  // namespace xmas::data
