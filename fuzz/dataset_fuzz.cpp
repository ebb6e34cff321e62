// Fuzzes the LLaVA dataset reader (xmas/data/dataset.h) and the record
// validator on top of it. Byte 0 picks the load options; the rest is the
// JSON file. Contract checked: a load either fails cleanly or gives records
// whose raw bytes are one JSON object inside the buffer, whose unique_idx
// finds the record again, and whose conversations parse or fail cleanly.
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "xmas/data/dataset.h"
#include "xmas/data/validate.h"
#include "xmas/util/log.h"

XMAS_FUZZ_TARGET(dataset) {
  if (size == 0) return 0;
  xmas::data::LoadOptions options;
  options.show_progress = false;
  options.collect_record_problems = (data[0] & 1) != 0;
  if (data[0] & 2) options.max_record_bytes = 64;  // the record-size guard
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto ds = xmas::data::Dataset::Parse(std::move(bytes), "fuzz.json", options);
  if (!ds.ok()) return 0;
  std::vector<bool> has_problem(ds->size(), false);
  for (const auto& p : ds->load_problems()) {
    if (p.index >= ds->size()) std::abort();
    has_problem[p.index] = true;
  }
  for (size_t i = 0; i < ds->size(); ++i) {
    const auto& r = (*ds)[i];
    if (r.index != i) std::abort();
    // A record kept despite a problem (collect mode) may be a non-object.
    if (!has_problem[i] && (r.raw.size() < 2 || r.raw.front() != '{' || r.raw.back() != '}')) std::abort();
    if (ds->FindUniqueIdx(r.unique_idx) != static_cast<long>(i)) std::abort();
    if (ds->FindId(r.id).empty()) std::abort();
    auto turns = ds->Conversations(i);
    if (turns.ok() && turns->size() != r.num_turns && ds->load_problems().empty()) std::abort();
  }
  xmas::data::ValidateOptions validate;
  validate.threads = 1;
  validate.show_progress = false;
  const auto report = xmas::data::ValidateDataset(*ds, validate);
  for (size_t bad : report.bad_records) {
    if (bad >= ds->size()) std::abort();
  }
  return 0;
}
