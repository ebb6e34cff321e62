// A dataset held in memory (docs/method.md §7): a JSON array or JSON Lines file of
// LLaVA ("conversations") or ShareGPT ("messages") records (data/format.h,
// docs/formats.md).
//
// The file is read once into one buffer; every Record points into it, so a
// record's exact bytes (unknown fields included) can be written back
// unchanged and memory stays near the file size. Conversations are parsed on
// demand (Dataset::Conversations) rather than kept as copies.
//
//   XMAS_ASSIGN_OR_RETURN(auto ds, xmas::data::Dataset::Load("llava.json"));
//   for (const auto& r : ds.records()) ... r.id, r.image, r.source ...
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xmas/data/format.h"
#include "xmas/data/key_index.h"
#include "xmas/util/status.h"

namespace xmas::data {

struct Turn {
  std::string from;   // "human" or "gpt" ("messages" roles user/assistant are
                      // read as human/gpt; other values are kept and validation reports them)
  std::string value;  // the text, JSON escapes decoded
};

struct Record {
  size_t index = 0;         // position in the file (0-based; JSON Lines: non-blank lines)
  std::string id;           // "id" as text; a number id is kept as written in the file.
                            // A "messages" record without one gets its index (a number id)
  std::string image;        // relative image path ("image"/"images", the first of a
                            // list); empty for a text-only record
  std::vector<std::string> more_images;  // the images after the first, in order
  std::string source;       // task_name if present, else first path component of image
                            // (a component not among the LLaVA sources that starts with a
                            // digit counts as "coco", as in the authors' code), else
                            // "text-only" (the authors call that source "sharegpt")
  std::string unique_idx;   // the authors' key: "<id>::<image>" or "<id>", "#n" on repeats
  std::string_view raw;     // the record's exact bytes in the file, '{' to '}'
  size_t num_turns = 0;     // length of "conversations" (0 if absent)
  bool id_is_number = false;  // "id" was a JSON number; unique_idx then uses Python's str()
  bool image_is_list = false;  // the images were given as a JSON list (unique_idx: Python's str())
  const char* image_key = "image";  // the field they came from: "image" or "images"
  Schema schema = Schema::kLlava;  // "conversations" or "messages" (the file's schema)

  bool has_image() const { return !image.empty(); }
  size_t num_images() const { return image.empty() ? 0 : 1 + more_images.size(); }
};

struct LoadOptions {
  // Reject a single record larger than this (a guard against hostile files).
  size_t max_record_bytes = 64u << 20;
  // Show a progress bar while scanning records.
  bool show_progress = true;
  // false (default): a record with a missing id or a field of the wrong type
  // fails the load. true: such problems are collected in
  // Dataset::load_problems() and the record is kept with what could be read
  // (`xmas data validate` and --on-error skip use this). Malformed JSON always
  // fails: after a syntax error no record boundary can be trusted.
  bool collect_record_problems = false;
  // Records with more images than this are a problem of field "image" /
  // "images" (0: any number). The default 1 makes every reader that handles
  // one image per record refuse records with several, rather than use one.
  size_t max_images = 1;
  // Threads that parse records (0: one per core).
  int threads = 0;
};

// One problem with one record: `message` is the complete one-line error,
// "<file>: record <i> (id '<id>'): field '<field>': <what>".
struct RecordProblem {
  size_t index = 0;
  std::string field;  // "id", "image", "conversations[2].value", ... or "" for the record
  std::string message;
};

class Dataset {
 public:
  // Reads and indexes a dataset file (format detected: data/format.h).
  // Errors name the file, and the record index, id and field where there is one:
  //   "data.json: record 17 (id 'abc'): field 'conversations': expected an array"
  static Result<Dataset> Load(const std::string& path, const LoadOptions& options = {});
  // Same, from bytes already in memory (`name` is used in error messages).
  static Result<Dataset> Parse(std::string bytes, const std::string& name,
                               const LoadOptions& options = {});

  Dataset(Dataset&&) noexcept;
  Dataset& operator=(Dataset&&) noexcept;
  ~Dataset();

  const std::string& path() const { return path_; }
  const DatasetFormat& format() const { return format_; }
  size_t size() const { return records_.size(); }
  const Record& operator[](size_t i) const { return records_[i]; }
  const std::vector<Record>& records() const { return records_; }

  // Parses record i's "conversations" or "messages" (empty vector if the
  // field is absent). Thread-safe (one parser per thread).
  Result<std::vector<Turn>> Conversations(size_t i) const;
  // The same without copies: fn(k, speaker, text) for each turn k, with the
  // speaker as written ("human", "user", ...) and the unescaped text, both
  // valid during the call only. Thread-safe.
  Status ForEachTurn(size_t i,
                     const std::function<void(size_t, std::string_view, std::string_view)>& fn) const;

  // Problems found while loading with LoadOptions::collect_record_problems
  // (empty otherwise), sorted by record index.
  const std::vector<RecordProblem>& load_problems() const { return load_problems_; }

  // Index of the record with this unique_idx, or -1. Thread-safe (the index
  // is built by Load, which also refuses a dataset whose keys collide, as the
  // authors' code does).
  long FindUniqueIdx(const std::string& unique_idx) const;
  // Indices of the records with this id (ids may repeat), in file order.
  // The first call builds a sorted index (not thread-safe).
  std::vector<size_t> FindId(const std::string& id) const;

  // "<path>: record <i> (id '<id>')", the prefix of every per-record error.
  std::string Where(size_t i) const;

 private:
  Dataset();
  struct Buffer;
  std::string path_;
  DatasetFormat format_;
  std::unique_ptr<Buffer> buffer_;  // owns the bytes Record::raw points into
  std::vector<Record> records_;
  KeyIndex unique_index_;  // unique_idx -> record; keys are read from records_
  mutable std::vector<size_t> by_id_;  // record indices sorted by id, built on first FindId
  std::vector<RecordProblem> load_problems_;

  friend class DatasetBuilder;
};

// Computes unique_idx for every record, exactly as the authors' code does
// (docs/method.md §3): base "<id>::<image>" or "<id>"; a base seen more than once gets
// "#0", "#1", ... in file order on every occurrence. <id> and <image> are
// Python's str() of the JSON values: a list of images reads
// "['a.jpg', 'b.jpg']" (PythonImageText).
void AssignUniqueIdx(std::vector<Record>* records);

// Python's str() of a JSON number token, as json.load + str() print it:
// integers as written ("-0" -> "0"), other numbers as float repr ("1e5" ->
// "100000.0", "0.5" -> "0.5", "1e16" -> "1e+16").
std::string PythonNumberStr(std::string_view json_number);

// Python's str() of a record's image value: the path, or for a list
// Python's repr of a list of str ("['a.jpg', 'b.jpg']").
std::string PythonImageText(const Record& record);

// Writes records[indices] in the given order, each record's bytes
// unchanged, in the dataset's container: a JSON array ("[\n" r ",\n" r
// "\n]\n") or JSON Lines (r "\n" per record). Atomic. Fails if `out_path`
// is the dataset's own file.
Status WriteSubset(const Dataset& dataset, const std::vector<size_t>& indices,
                   const std::string& out_path);

}  // namespace xmas::data
