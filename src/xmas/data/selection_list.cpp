#include "xmas/data/selection_list.h"

#include <algorithm>
#include <fstream>
#include <functional>

#include "xmas/util/atomic_file.h"
#include "xmas/util/npy.h"

namespace xmas::data {
namespace {

// Calls `take(line_number, text)` for each non-blank line of `path`.
Status ForEachLine(const std::string& path, const std::function<Status(size_t, const std::string&)>& take) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the list file");
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    XMAS_RETURN_IF_ERROR(take(number, line));
  }
  if (in.bad()) return Status::IoError(path + ": read failed");
  return Status::Ok();
}

std::vector<size_t> SortedUnique(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::vector<size_t>> ReadNpyIndices(const std::string& path, const Dataset& dataset) {
  XMAS_ASSIGN_OR_RETURN(NpyArray array, ReadNpy(path));
  if (array.shape.size() != 1 || (array.type != NpyType::kInt64 && array.type != NpyType::kInt32)) {
    return Status::InvalidInput(path + ": expected a 1-D int64 or int32 array of record indices");
  }
  std::vector<size_t> indices(static_cast<size_t>(array.rows()));
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t v = array.type == NpyType::kInt64 ? array.as<int64_t>()[k] : array.as<int32_t>()[k];
    if (v < 0 || static_cast<uint64_t>(v) >= dataset.size()) {
      return Status::InvalidInput(path + ": element " + std::to_string(k) + ": index " + std::to_string(v) +
                                  " is out of range (" + dataset.path() + " has " + std::to_string(dataset.size()) +
                                  " records)");
    }
    indices[k] = static_cast<size_t>(v);
  }
  return SortedUnique(std::move(indices));
}

}  // namespace

Result<std::vector<size_t>> ReadIndexList(const std::string& path, const Dataset& dataset) {
  if (EndsWith(path, ".npy")) return ReadNpyIndices(path, dataset);
  std::vector<size_t> indices;
  XMAS_RETURN_IF_ERROR(ForEachLine(path, [&](size_t number, const std::string& line) {
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const size_t begin = line.find_first_not_of(" \t"), end = line.find_last_not_of(" \t") + 1;
    const std::string text = line.substr(begin, end - begin);
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidInput(where + "'" + text + "' is not a record index (a 0-based integer)");
    }
    const size_t index = std::stoull(text);
    if (index >= dataset.size()) {
      return Status::InvalidInput(where + "index " + text + " is out of range (" + dataset.path() + " has " +
                                  std::to_string(dataset.size()) + " records)");
    }
    indices.push_back(index);
    return Status::Ok();
  }));
  return SortedUnique(std::move(indices));
}

Result<std::vector<size_t>> ReadIdList(const std::string& path, const Dataset& dataset) {
  std::vector<size_t> indices;
  XMAS_RETURN_IF_ERROR(ForEachLine(path, [&](size_t number, const std::string& id) {
    std::vector<size_t> found = dataset.FindId(id);
    if (found.empty()) {
      return Status::InvalidInput(path + ":" + std::to_string(number) + ": id '" + id + "' is not in " +
                                  dataset.path());
    }
    indices.insert(indices.end(), found.begin(), found.end());
    return Status::Ok();
  }));
  return SortedUnique(std::move(indices));
}

Status WriteIndexList(const std::string& path, std::vector<size_t> indices) {
  std::sort(indices.begin(), indices.end());
  if (EndsWith(path, ".npy")) {
    const std::vector<int64_t> values(indices.begin(), indices.end());
    return WriteNpy(path, NpyType::kInt64, values.data(), static_cast<int64_t>(values.size()), -1);
  }
  std::string text;
  for (size_t i : indices) text += std::to_string(i) + "\n";
  return WriteFileAtomic(path, text);
}

Status WriteIdList(const std::string& path, const std::vector<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) {
    if (id.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidInput(path + ": id '" + id + "' holds a line break; it cannot be listed one per line");
    }
    text += id + "\n";
  }
  return WriteFileAtomic(path, text);
}

}  // namespace xmas::data
