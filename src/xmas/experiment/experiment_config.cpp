#include "xmas/experiment/experiment_config.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "xmas/select/methods.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/enum_names.h"

namespace xmas::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Reads the fields of one JSON object, remembering which were read so the
// unknown ones can be reported. The first error sticks.
class ObjectReader {
 public:
  ObjectReader(const json& obj, std::string where, std::string file)
      : obj_(obj), where_(std::move(where)), file_(std::move(file)) {
    if (!obj_.is_object()) Fail("", "expected an object");
  }

  bool Has(const char* name) const { return obj_.is_object() && obj_.contains(name); }

  void String(const char* name, std::string* out) {
    if (const json* v = Take(name)) {
      v->is_string() ? void(*out = v->get<std::string>()) : Fail(name, "expected a string");
    }
  }
  void Int(const char* name, int64_t* out, int64_t min) {
    if (const json* v = Take(name)) {
      if (!v->is_number_integer() || v->get<int64_t>() < min) {
        Fail(name, "expected an integer >= " + std::to_string(min));
      } else {
        *out = v->get<int64_t>();
      }
    }
  }
  void Seed(const char* name, uint64_t* out) {
    int64_t v = static_cast<int64_t>(*out);
    Int(name, &v, 0);
    *out = static_cast<uint64_t>(v);
  }
  void Double(const char* name, double* out, double min, double max) {
    if (const json* v = Take(name)) {
      if (!v->is_number() || v->get<double>() < min || v->get<double>() > max) {
        Fail(name, "expected a number in [" + Num(min) + ", " + Num(max) + "]");
      } else {
        *out = v->get<double>();
      }
    }
  }
  void Bool(const char* name, bool* out) {
    if (const json* v = Take(name)) {
      v->is_boolean() ? void(*out = v->get<bool>()) : Fail(name, "expected true or false");
    }
  }
  template <typename T, typename Check>
  void List(const char* name, std::vector<T>* out, Check check, const std::string& expected,
            bool allow_empty = false) {
    const json* v = Take(name);
    if (v == nullptr) return;
    if (!v->is_array() || (v->empty() && !allow_empty)) return Fail(name, "expected a non-empty array");
    out->clear();
    for (size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!check(e)) return Fail(std::string(name) + "[" + std::to_string(i) + "]", expected);
      out->push_back(e.get<T>());
    }
  }
  const json* Object(const char* name) {
    const json* v = Take(name);
    if (v != nullptr && !v->is_object()) {
      Fail(name, "expected an object");
      return nullptr;
    }
    return v;
  }
  std::string Child(const char* name) const { return where_.empty() ? name : where_ + "." + name; }
  const std::string& file() const { return file_; }

  // Call last: reports the first unknown field, or the first error.
  Status Finish() {
    if (status_.ok() && obj_.is_object()) {
      for (const auto& item : obj_.items()) {
        if (!seen_.count(item.key())) Fail(item.key(), "unknown field");
      }
    }
    return status_;
  }
  void Fail(const std::string& field, const std::string& what) {
    if (!status_.ok()) return;
    std::string f = field.empty() ? where_ : (where_.empty() ? field : where_ + "." + field);
    status_ = Status::InvalidInput(file_ + (f.empty() ? "" : ": field '" + f + "'") + ": " + what);
  }

 private:
  static std::string Num(double v) { json j = v; return j.dump(); }
  const json* Take(const char* name) {
    seen_.insert(name);
    if (!obj_.is_object()) return nullptr;
    auto it = obj_.find(name);
    return it == obj_.end() ? nullptr : &*it;
  }
  const json& obj_;
  std::string where_, file_;
  std::set<std::string> seen_;
  Status status_;
};

Status ReadTrain(const json& obj, const std::string& where, const std::string& file, TrainSettings* t) {
  ObjectReader r(obj, where, file);
  r.Int("epochs", &t->epochs, 1);
  r.Int("max_steps", &t->max_steps, 0);
  r.Double("learning_rate", &t->learning_rate, 0, 10);
  r.Double("warmup_ratio", &t->warmup_ratio, 0, 1);
  r.Double("weight_decay", &t->weight_decay, 0, 10);
  r.Int("batch_size", &t->batch_size, 1);
  r.Int("grad_accum", &t->grad_accum, 1);
  r.Int("max_length", &t->max_length, 0);
  r.Int("save_every", &t->save_every, 0);
  r.Seed("seed", &t->seed);
  r.String("trainable", &t->trainable);
  return r.Finish();
}

constexpr EnumName<ComputeMode> kComputeModeNames[] = {{ComputeMode::kEqualEpochs, "equal-epochs"},
                                                       {ComputeMode::kEqualSteps, "equal-steps"}};

// `is_target`: the compute fields are the target's (the proxy always trains
// on the full data, so they would mean nothing there: an unknown field).
Status ReadModel(const json& obj, const std::string& where, const std::string& file, ModelSettings* m,
                 bool is_target) {
  ObjectReader r(obj, where, file);
  r.String("model", &m->model);
  r.Bool("pretrain_enabled", &m->pretrain_enabled);
  if (const json* p = r.Object("pretrain")) XMAS_RETURN_IF_ERROR(ReadTrain(*p, r.Child("pretrain"), file, &m->pretrain));
  if (const json* f = r.Object("finetune")) XMAS_RETURN_IF_ERROR(ReadTrain(*f, r.Child("finetune"), file, &m->finetune));
  if (is_target) {
    std::string compute;
    r.String("compute", &compute);
    if (!compute.empty()) {
      auto mode = ParseEnum(kComputeModeNames, compute, "compute mode");
      if (!mode.ok()) {
        r.Fail("compute", "expected \"equal-epochs\" or \"equal-steps\"");
      } else {
        m->compute = *mode;
      }
    }
    r.Int("steps", &m->compute_steps, 0);
  }
  XMAS_RETURN_IF_ERROR(r.Finish());
  if (m->compute_steps > 0 && m->compute != ComputeMode::kEqualSteps) {
    r.Fail("steps", "only with \"compute\": \"equal-steps\"");
    return r.Finish();
  }
  return Status::Ok();
}

std::string Relative(const std::string& config_path, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(config_path).parent_path() / p).lexically_normal().string();
}

Status ReadData(const json& obj, const std::string& file, DataSettings* d) {
  ObjectReader r(obj, "data", file);
  if (const json* demo = r.Object("demo")) {
    ObjectReader dr(*demo, "data.demo", file);
    dr.String("size", &d->demo_size);
    dr.Seed("seed", &d->demo_seed);
    dr.Double("scale", &d->demo_scale, 0.001, 1);
    dr.Double("bench_scale", &d->demo_bench_scale, 0, 1);
    dr.Double("pretrain_scale", &d->demo_pretrain_scale, 0, 1);
    dr.Int("image_size", &d->demo_image_size, 8);
    XMAS_RETURN_IF_ERROR(dr.Finish());
    if (d->demo_size != "small" && d->demo_size != "bench" && d->demo_size != "stress") {
      dr.Fail("size", "expected \"small\", \"bench\" or \"stress\"");
      return dr.Finish();
    }
  }
  r.String("train", &d->train);
  r.String("pretrain", &d->pretrain);
  r.String("images", &d->images);
  r.String("bench", &d->bench);
  XMAS_RETURN_IF_ERROR(r.Finish());
  if (d->uses_demo() == !d->train.empty()) {
    r.Fail("", "give either 'demo' or the 'train' path (and 'bench')");
    return r.Finish();
  }
  if (!d->uses_demo() && d->bench.empty()) {
    r.Fail("bench", "missing (a directory of benchmark files)");
    return r.Finish();
  }
  for (std::string* p : {&d->train, &d->pretrain, &d->images, &d->bench}) *p = Relative(file, *p);
  return Status::Ok();
}

Status ReadSelection(const json& obj, const std::string& file, SelectionSettings* s) {
  ObjectReader r(obj, "selection", file);
  r.List("methods", &s->methods,
         [](const json& e) { return e.is_string() && select::FindMethod(e.get<std::string>()) != nullptr; },
         "expected a method name (" + JoinAlternatives(select::MethodNames()) + ")");
  r.List("budgets", &s->budgets,
         [](const json& e) { return e.is_number() && e.get<double>() > 0 && e.get<double>() <= 100; },
         "expected a number in (0, 100]");
  r.List("seeds", &s->seeds, [](const json& e) { return e.is_number_unsigned(); },
         "expected a non-negative integer");
  r.Int("clusters", &s->clusters, 0);
  if (const json* extra = r.Object("extra")) {
    s->extra = *extra;
    select::SelectOptions unused;  // a typo fails here, not after the proxy's training
    for (const auto& [key, value] : extra->items()) {
      Status st = select::SetOptionFromJson(key, value, &unused);
      if (!st.ok()) r.Fail("extra." + key, st.message());
    }
  }
  return r.Finish();
}

Status ReadRest(ObjectReader& r, const std::string& file, ExperimentConfig* c) {
  if (const json* t = r.Object("tokenizer")) {
    ObjectReader tr(*t, "tokenizer", file);
    tr.String("path", &c->tokenizer.path);
    tr.Int("vocab_size", &c->tokenizer.vocab_size, 64);
    XMAS_RETURN_IF_ERROR(tr.Finish());
    c->tokenizer.path = Relative(file, c->tokenizer.path);
  }
  if (const json* t = r.Object("trajectories")) {
    ObjectReader tr(*t, "trajectories", file);
    tr.Int("checkpoints", &c->trajectories.checkpoints, 0);
    tr.String("mode", &c->trajectories.mode);
    tr.Int("top_k", &c->trajectories.top_k, 1);
    tr.Int("batch_size", &c->trajectories.batch_size, 1);
    tr.List("layers", &c->trajectories.layers, [](const json& e) { return e.is_number_integer(); },
            "expected an integer", /*allow_empty=*/true);
    XMAS_RETURN_IF_ERROR(tr.Finish());
  }
  if (const json* e = r.Object("eval")) {
    ObjectReader er(*e, "eval", file);
    er.Int("max_new_tokens", &c->eval.max_new_tokens, 1);
    er.Int("batch_size", &c->eval.batch_size, 1);
    er.Int("limit", &c->eval.limit, 0);
    XMAS_RETURN_IF_ERROR(er.Finish());
  }
  return Status::Ok();
}

}  // namespace

const char* ComputeModeName(ComputeMode mode) { return NameOf(kComputeModeNames, mode); }

json TrainSettings::ToJson() const {
  return {{"epochs", epochs},         {"max_steps", max_steps},   {"learning_rate", learning_rate},
          {"warmup_ratio", warmup_ratio}, {"weight_decay", weight_decay}, {"batch_size", batch_size},
          {"grad_accum", grad_accum}, {"max_length", max_length}, {"save_every", save_every},
          {"seed", seed},           {"trainable", trainable}};
}

int64_t EqualSteps(const ModelSettings& t, size_t full_examples) {
  if (t.compute_steps > 0) return t.compute_steps;
  const TrainSettings& f = t.finetune;
  const int64_t n = static_cast<int64_t>(full_examples);
  const int64_t micro = (n + f.batch_size - 1) / f.batch_size;
  const int64_t per_epoch = (micro + f.grad_accum - 1) / f.grad_accum;
  return f.max_steps > 0 ? f.max_steps : std::max<int64_t>(1, f.epochs * per_epoch);
}

TrainSettings TargetFinetuneRecipe(const ModelSettings& t, size_t full_examples) {
  TrainSettings r = t.finetune;
  if (t.compute == ComputeMode::kEqualSteps) r.max_steps = EqualSteps(t, full_examples);
  return r;
}

std::string DescribeCompute(const ModelSettings& t, size_t full_examples) {
  if (t.compute == ComputeMode::kEqualSteps) {
    return "Compute: equal steps: every fine-tuned target (full data included) takes " +
           std::to_string(EqualSteps(t, full_examples)) + " optimizer steps of batch " +
           std::to_string(t.finetune.batch_size * t.finetune.grad_accum) +
           "; a subset repeats its examples over more epochs.";
  }
  if (t.finetune.max_steps > 0) {
    return "Compute: every target takes finetune.max_steps = " + std::to_string(t.finetune.max_steps) +
           " optimizer steps.";
  }
  return "Compute: equal epochs (the paper's setting): every target trains " + std::to_string(t.finetune.epochs) +
         " epoch(s) over its own data, so a subset of b% gets about b% of the full data's steps.";
}

Result<ExperimentConfig> ParseExperimentConfig(const std::string& json_text, const std::string& path) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (doc.is_discarded()) return Status::InvalidInput(path + ": not valid JSON");
  ExperimentConfig c;
  c.path = path;
  c.name = fs::path(path).stem().string();
  ObjectReader r(doc, "", path);
  r.String("name", &c.name);
  r.String("device", &c.device);
  r.Int("threads", &c.threads, 1);
  if (const json* d = r.Object("data")) {
    XMAS_RETURN_IF_ERROR(ReadData(*d, path, &c.data));
  } else {
    r.Fail("data", "missing");
  }
  if (const json* p = r.Object("proxy")) XMAS_RETURN_IF_ERROR(ReadModel(*p, "proxy", path, &c.proxy, false));
  if (const json* t = r.Object("target")) XMAS_RETURN_IF_ERROR(ReadModel(*t, "target", path, &c.target, true));
  if (const json* s = r.Object("selection")) XMAS_RETURN_IF_ERROR(ReadSelection(*s, path, &c.selection));
  XMAS_RETURN_IF_ERROR(ReadRest(r, path, &c));
  XMAS_RETURN_IF_ERROR(r.Finish());
  if (c.trajectories.mode != "attention" && c.trajectories.mode != "official") {
    return Status::InvalidInput(path + ": field 'trajectories.mode': expected \"attention\" or \"official\"");
  }
  return c;
}

Result<ExperimentConfig> LoadExperimentConfig(const std::string& path) {
  XMAS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseExperimentConfig(text, path);
}

json ConfigToJson(const ExperimentConfig& c) {
  auto model = [](const ModelSettings& m) {
    return json{{"model", m.model}, {"pretrain_enabled", m.pretrain_enabled},
                {"pretrain", m.pretrain.ToJson()}, {"finetune", m.finetune.ToJson()}};
  };
  json data = c.data.uses_demo()
                  ? json{{"demo", {{"size", c.data.demo_size}, {"seed", c.data.demo_seed},
                                   {"scale", c.data.demo_scale}, {"image_size", c.data.demo_image_size}}}}
                  : json{{"train", c.data.train}, {"pretrain", c.data.pretrain},
                         {"images", c.data.images}, {"bench", c.data.bench}};
  if (c.data.demo_bench_scale > 0) data["demo"]["bench_scale"] = c.data.demo_bench_scale;
  if (c.data.demo_pretrain_scale > 0) data["demo"]["pretrain_scale"] = c.data.demo_pretrain_scale;
  json target = model(c.target);
  target["compute"] = ComputeModeName(c.target.compute);
  if (c.target.compute == ComputeMode::kEqualSteps) target["steps"] = c.target.compute_steps;
  return {{"name", c.name},
          {"device", c.device},
          {"threads", c.threads},
          {"data", data},
          {"tokenizer", {{"path", c.tokenizer.path}, {"vocab_size", c.tokenizer.vocab_size}}},
          {"proxy", model(c.proxy)},
          {"target", target},
          {"trajectories", {{"checkpoints", c.trajectories.checkpoints}, {"mode", c.trajectories.mode},
                            {"top_k", c.trajectories.top_k}, {"batch_size", c.trajectories.batch_size},
                            {"layers", c.trajectories.layers}}},
          {"selection", {{"methods", c.selection.methods}, {"budgets", c.selection.budgets},
                         {"seeds", c.selection.seeds}, {"clusters", c.selection.clusters},
                         {"extra", c.selection.extra}}},
          {"eval", {{"max_new_tokens", c.eval.max_new_tokens}, {"batch_size", c.eval.batch_size},
                    {"limit", c.eval.limit}}}};
}

}  // namespace xmas::experiment
