#include "xmas/select/truth.h"

#include <cmath>
#include <cstdint>
#include <set>

#include "xmas/util/atomic_file.h"

namespace xmas::select {
namespace {
using nlohmann::json;

std::string Where(const std::string& path, size_t i, const json& rec) {
  std::string where = path + ": record " + std::to_string(i);
  if (rec.is_object() && rec.contains("id") && rec["id"].is_string()) {
    where += " (id '" + rec["id"].get<std::string>() + "')";
  }
  return where;
}

Status FieldError(const std::string& where, const char* field, const char* expected) {
  return Status::InvalidInput(where + ": field '" + field + "': expected " + expected);
}

// The string field `name`, or an error naming it.
Status GetString(const json& rec, const std::string& where, const char* name, std::string* out) {
  auto it = rec.find(name);
  if (it == rec.end() || !it->is_string()) return FieldError(where, name, "a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Result<TruthRecord> ParseRecord(const json& rec, size_t i, const std::string& path) {
  const std::string where = Where(path, i, rec);
  if (!rec.is_object()) return Status::InvalidInput(where + ": expected an object");
  auto index = rec.find("index");
  if (index == rec.end() || !index->is_number_unsigned() || index->get<uint64_t>() != i) {
    return FieldError(where, "index", ("its position, " + std::to_string(i)).c_str());
  }
  TruthRecord r;
  XMAS_RETURN_IF_ERROR(GetString(rec, where, "id", &r.id));
  XMAS_RETURN_IF_ERROR(GetString(rec, where, "source", &r.source));
  XMAS_RETURN_IF_ERROR(GetString(rec, where, "task", &r.task));
  if (r.task.empty()) return FieldError(where, "task", "a non-empty string");
  auto group = rec.find("group");
  if (group == rec.end() || !group->is_number_integer() || group->get<int64_t>() < 0) {
    return FieldError(where, "group", "an integer >= 0");
  }
  r.group = group->get<int64_t>();
  auto para = rec.find("paraphrase_of");
  if (para == rec.end() || !(para->is_null() || para->is_string())) {
    return FieldError(where, "paraphrase_of", "null or a string");
  }
  if (para->is_string()) r.paraphrase_of = para->get<std::string>();
  auto noisy = rec.find("noisy");
  if (noisy == rec.end() || !noisy->is_boolean()) return FieldError(where, "noisy", "true or false");
  r.noisy = noisy->get<bool>();
  auto words = rec.find("words_after_image");
  if (words == rec.end() || !words->is_number() || !(words->get<double>() >= 0)) {
    return FieldError(where, "words_after_image", "a number >= 0");
  }
  r.words_after_image = words->get<double>();
  return r;
}

double Share(size_t part, size_t whole) { return whole ? static_cast<double>(part) / whole : 0.0; }

}  // namespace

Result<Truth> Truth::Load(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  json j = json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return Status::InvalidInput(path + ": not valid JSON");
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array()) {
    return Status::InvalidInput(path + ": field 'records': expected an array of truth records");
  }
  Truth t;
  t.path = path;
  const json& records = j["records"];
  t.records.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    XMAS_ASSIGN_OR_RETURN(TruthRecord r, ParseRecord(records[i], i, path));
    t.records.push_back(std::move(r));
  }
  return t;
}

Status Truth::Matches(const data::DatasetIndex& ds) const {
  if (records.size() != ds.size()) {
    return Status::InvalidInput(path + ": field 'records': " + std::to_string(records.size()) +
                                " truth records for the " + std::to_string(ds.size()) + " records of " + ds.path());
  }
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].id != ds.id(i)) {
      return Status::InvalidInput(path + ": record " + std::to_string(i) + " (id '" + records[i].id +
                                  "'): field 'id': " + ds.path() + " has id '" + std::string(ds.id(i)) + "' there");
    }
  }
  return Status::Ok();
}

Result<Truth> LoadTruthFor(const std::string& path, const data::DatasetIndex& dataset) {
  XMAS_ASSIGN_OR_RETURN(Truth t, Truth::Load(path));
  XMAS_RETURN_IF_ERROR(t.Matches(dataset));
  return t;
}

TruthMetrics ComputeTruthMetrics(const Truth& truth, const std::vector<size_t>& chosen) {
  TruthMetrics m;
  for (const TruthRecord& r : truth.records) {
    m.picks_by_task.emplace(r.task, 0);
    m.picks_by_source.emplace(r.source, 0);
  }
  std::set<int64_t> groups;
  size_t redundant = 0, noisy = 0, paraphrases = 0;
  double words = 0;
  for (size_t i : chosen) {
    const TruthRecord& r = truth.records[i];
    redundant += !groups.insert(r.group).second;
    noisy += r.noisy;
    paraphrases += !r.paraphrase_of.empty();
    words += r.words_after_image;
    ++m.picks_by_task[r.task];
    ++m.picks_by_source[r.source];
  }
  m.picks = chosen.size();
  m.redundant_copy_share = Share(redundant, m.picks);
  m.noisy_share = Share(noisy, m.picks);
  m.paraphrase_share = Share(paraphrases, m.picks);
  m.mean_words_after_image = m.picks ? words / m.picks : 0;
  const size_t tasks = m.picks_by_task.size();
  size_t least = SIZE_MAX;
  for (const auto& [task, n] : m.picks_by_task) {
    if (n > 0) m.task_entropy_bits -= Share(n, m.picks) * std::log2(Share(n, m.picks));
    if (n < least) {
      least = n;
      m.smallest_task = task;
    }
  }
  if (m.picks > 0) {
    m.task_entropy_normalized = tasks > 1 ? m.task_entropy_bits / std::log2(static_cast<double>(tasks)) : 1.0;
    m.smallest_task_vs_even = Share(least, m.picks) * static_cast<double>(tasks);
  }
  size_t covered = 0;
  for (const auto& entry : m.picks_by_source) covered += entry.second > 0;
  m.source_coverage = Share(covered, m.picks_by_source.size());
  return m;
}

nlohmann::json TruthMetricsJson(const TruthMetrics& m, const std::string& truth_path) {
  return {{"truth", truth_path},
          {"picks", m.picks},
          {"redundant_copy_share", m.redundant_copy_share},
          {"noisy_share", m.noisy_share},
          {"paraphrase_share", m.paraphrase_share},
          {"task_entropy_bits", m.task_entropy_bits},
          {"task_entropy_normalized", m.task_entropy_normalized},
          {"smallest_task", m.smallest_task},
          {"smallest_task_vs_even", m.smallest_task_vs_even},
          {"source_coverage", m.source_coverage},
          {"mean_words_after_image", m.mean_words_after_image},
          {"picks_by_task", m.picks_by_task},
          {"picks_by_source", m.picks_by_source}};
}

}  // namespace xmas::select
