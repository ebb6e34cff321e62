// The selection methods, in one table (methods.cpp). Each row names a method,
// the features it reads from the feature store, whether the authors' mode
// covers it, and its entry point; the table drives `xmas select --method`
// (names, help, dispatch), the features an experiment extracts from its proxy
// (FeaturesForMethods) and the check of an experiment's method list.
//
// Adding a method: a new file defining its entry point, one row (and the
// declaration above it) in methods.cpp, a test. docs/DEVELOPING.md shows how.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "xmas/select/select.h"

namespace xmas::select {

// What a method runs on. The budget is resolved once (Select), before any
// work, and is at most dataset.size().
struct MethodInput {
  const data::DatasetIndex& dataset;
  const SelectOptions& options;
  size_t budget;
};

struct Method {
  const char* name;
  const char* help;  // one line for `xmas select --help`
  // The feature sets (traj::FeatureSet names, comma separated) it reads from
  // the store; "" = none: the method needs neither --trajectories nor a proxy.
  const char* features;
  // The authors' file metric ("attn_svd", "loss") of the methods that
  // --compat official and --write-official reproduce; nullptr for the others.
  const char* official_metric;
  // An experiment runs it once per seed (its subset is chance); the others
  // once, with the first seed.
  bool per_seed;
  Result<Selection> (*run)(const MethodInput& input);
};

// Every method, in `--method` order.
const std::vector<Method>& Methods();

// The row of `name`; nullptr if there is none.
const Method* FindMethod(const std::string& name);

// Usage error "<what> '<name>': unknown method (expected: xmas, random, ...)"
// unless `name` is in the table.
Result<const Method*> LookUpMethod(const std::string& name, const std::string& what = "--method");

// Method names, in table order (for CLI checks).
const std::vector<std::string>& MethodNames();

// `--method`'s help: one "name: help" line per method.
std::string MethodHelp();

// The features the trajectory step must compute for `methods`: the union of
// their rows' features in order of first use, comma separated ("" when no
// method needs the proxy). Unknown names contribute nothing.
std::string FeaturesForMethods(const std::vector<std::string>& methods);

}  // namespace xmas::select
