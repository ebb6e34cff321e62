// Internal to the experiment runner: gathers what an experiment has produced
// (results, feature store, selections, step timings) into ReportData.
#pragma once

#include <string>
#include <vector>

#include "xmas/data/dataset.h"
#include "xmas/experiment/report_html.h"
#include "xmas/experiment/runner_context.h"

namespace xmas::experiment::internal {

struct ReportInputs {
  RunContext* ctx = nullptr;
  const std::vector<SelectionRun>* runs = nullptr;
  const data::Dataset* dataset = nullptr;  // the training set (null if not loaded)
  bool has_store = false;                  // OUT/store is complete
  const ResultsTable* table = nullptr;     // null: nothing evaluated yet
  std::vector<std::string> notes;
};

// Trajectory curves come from the xmas selection with the smallest budget
// (its clusters) and the store's Σσ per checkpoint; compositions are the full
// data, every xmas subset and the first random seed at the smallest budget.
// Anything that cannot be read becomes a note rather than an error.
ReportData BuildReportData(const ReportInputs& in);

}  // namespace xmas::experiment::internal
