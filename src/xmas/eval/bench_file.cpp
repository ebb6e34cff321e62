#include "xmas/eval/bench_file.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "xmas/util/atomic_file.h"

namespace xmas::eval {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string IdText(const json& id) {
  if (id.is_string()) return id.get<std::string>();
  return id.dump();
}

// The first "from" == role turn's value in "conversations", or "".
std::string TurnText(const json& record, const char* role, const char* alt_role) {
  auto it = record.find("conversations");
  if (it == record.end() || !it->is_array()) return "";
  for (const auto& turn : *it) {
    if (!turn.is_object() || !turn.contains("from") || !turn.contains("value")) continue;
    const auto& from = turn["from"];
    if (from == role || from == alt_role) return turn["value"].is_string() ? turn["value"].get<std::string>() : "";
  }
  return "";
}

const json* FirstField(const json& record, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = record.find(name);
    if (it != record.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

Status StringList(const json& value, std::vector<std::string>* out) {
  if (value.is_string()) {
    out->push_back(value.get<std::string>());
    return Status::Ok();
  }
  if (!value.is_array()) return Status::InvalidInput("expected a string or an array of strings");
  for (const auto& v : value) {
    if (v.is_string()) {
      out->push_back(v.get<std::string>());
    } else if (v.is_number()) {
      out->push_back(v.dump());
    } else {
      return Status::InvalidInput("expected a string or an array of strings");
    }
  }
  return Status::Ok();
}

class ItemReader {
 public:
  ItemReader(const std::string& path, Metric file_metric) : path_(path), file_metric_(file_metric) {}

  Result<BenchItem> Read(size_t index, const json& record) {
    index_ = index;
    id_ = "";
    if (!record.is_object()) return Error("", "expected an object");
    auto id = record.find("id");
    if (id == record.end() || !(id->is_string() || id->is_number())) {
      return Error("id", "expected a string or a number");
    }
    BenchItem item;
    item.id = id_ = IdText(*id);
    if (auto img = record.find("image"); img != record.end() && !img->is_null()) {
      if (!img->is_string()) return Error("image", "expected a string");
      item.image = img->get<std::string>();
    }
    XMAS_RETURN_IF_ERROR(ReadQuestion(record, &item));
    XMAS_RETURN_IF_ERROR(ReadGold(record, &item));
    XMAS_RETURN_IF_ERROR(ReadMetric(record, &item));
    return item;
  }

 private:
  Status Error(const std::string& field, const std::string& what) const {
    std::string where = path_ + ": record " + std::to_string(index_);
    if (!id_.empty()) where += " (id '" + id_ + "')";
    if (!field.empty()) where += ": field '" + field + "'";
    return Status::InvalidInput(where + ": " + what);
  }

  Status ReadQuestion(const json& record, BenchItem* item) const {
    if (const json* q = FirstField(record, {"question", "prompt", "text"})) {
      if (!q->is_string()) return Error("question", "expected a string");
      item->question = q->get<std::string>();
    } else {
      item->question = TurnText(record, "human", "user");
    }
    if (item->question.empty()) return Error("question", "missing question (no human turn)");
    return Status::Ok();
  }

  Status ReadGold(const json& record, BenchItem* item) const {
    if (const json* g = FirstField(record, {"answer", "gold", "gt_answer", "label"})) {
      Status st = StringList(*g, &item->gold.answers);
      if (!st.ok()) return Error("answer", st.message());
    } else {
      std::string a = TurnText(record, "gpt", "assistant");
      if (!a.empty()) item->gold.answers.push_back(a);
    }
    if (item->gold.answers.empty()) return Error("answer", "missing gold answer");
    if (const json* o = FirstField(record, {"options", "choices"})) {
      Status st = StringList(*o, &item->gold.options);
      if (!st.ok()) return Error("options", st.message());
    }
    return Status::Ok();
  }

  Status ReadMetric(const json& record, BenchItem* item) const {
    item->metric = file_metric_;
    auto m = record.find("metric");
    if (m == record.end() || m->is_null()) return Status::Ok();
    if (!m->is_string()) return Error("metric", "expected a string");
    auto parsed = ParseMetric(m->get<std::string>());
    if (!parsed.ok()) return Error("metric", parsed.status().message());
    item->metric = *parsed;
    return Status::Ok();
  }

  std::string path_;
  Metric file_metric_;
  size_t index_ = 0;
  std::string id_;
};

}  // namespace

Result<BenchFile> LoadBenchFile(const std::string& path, const std::string& default_metric) {
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidInput(path + ": not valid JSON");
  BenchFile file;
  file.path = path;
  file.name = fs::path(path).stem().string();
  std::string metric_name = default_metric;
  const json* records = &doc;
  if (doc.is_object()) {
    if (auto n = doc.find("name"); n != doc.end() && n->is_string()) file.name = n->get<std::string>();
    if (auto m = doc.find("metric"); m != doc.end() && m->is_string()) metric_name = m->get<std::string>();
    records = FirstField(doc, {"records", "questions", "items"});
    if (records == nullptr) return Status::InvalidInput(path + ": field 'records': missing");
  }
  if (!records->is_array()) return Status::InvalidInput(path + ": field 'records': expected an array");
  auto metric = ParseMetric(metric_name);
  if (!metric.ok()) return Status::InvalidInput(path + ": field 'metric': " + metric.status().message());
  file.metric = *metric;
  ItemReader reader(path, file.metric);
  for (size_t i = 0; i < records->size(); ++i) {
    XMAS_ASSIGN_OR_RETURN(BenchItem item, reader.Read(i, (*records)[i]));
    file.items.push_back(std::move(item));
  }
  if (file.items.empty()) return Status::InvalidInput(path + ": no records");
  return file;
}

Result<std::vector<std::string>> ListBenchFiles(const std::string& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) return std::vector<std::string>{dir};
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": no such benchmark file or directory");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  if (ec) return Status::IoError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) return Status::NotFound(dir + ": no *.json benchmark files");
  return files;
}

Result<std::string> ResolveImagePath(const BenchFile& file, const std::string& image,
                                     const std::string& image_root) {
  if (!image_root.empty()) return (fs::path(image_root) / image).string();
  if (fs::path(image).is_absolute()) return image;
  fs::path dir = fs::path(file.path).parent_path();
  std::vector<fs::path> candidates = {dir / image, dir.parent_path() / image,
                                      dir.parent_path() / "images" / image};
  std::error_code ec;
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return c.lexically_normal().string();
  }
  std::string tried;
  for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c.string();
  return Status::NotFound(file.path + ": image '" + image + "' not found (tried " + tried + ")");
}

}  // namespace xmas::eval
