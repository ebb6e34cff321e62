#include "xmas/eval/evaluator.h"

#include <chrono>
#include <filesystem>
#include <memory>

#include "xmas/model/batch.h"
#include "xmas/model/device.h"
#include "xmas/model/generate.h"
#include "xmas/model/preprocess.h"
#include "xmas/model/weights.h"
#include "xmas/text/chat_template.h"
#include "xmas/train/example_source.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::eval {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One benchmark being scored: per-metric accumulators and the predictions log.
class BenchRun {
 public:
  explicit BenchRun(const BenchFile& file) : file_(file) {}

  Status Score(const BenchItem& item, const std::string& prediction, size_t index) {
    auto it = acc_.find(item.metric);
    if (it == acc_.end()) it = acc_.emplace(item.metric, MetricAccumulator(item.metric)).first;
    auto score = it->second.Add(prediction, item.gold);
    if (!score.ok()) {
      return Status::InvalidInput(file_.path + ": record " + std::to_string(index) + " (id '" + item.id +
                                  "'): field 'answer': " + score.status().message());
    }
    json line = {{"id", item.id}, {"prediction", prediction}, {"gold", item.gold.answers},
                 {"metric", MetricName(item.metric)}, {"score", *score}};
    log_ += line.dump() + "\n";
    return Status::Ok();
  }

  BenchmarkScore Summary() const {
    BenchmarkScore s;
    s.name = file_.name;
    if (acc_.size() == 1) {
      const auto& a = acc_.begin()->second;
      s.metric = MetricName(a.metric());
      s.count = a.count();
      s.score = a.Score();
      s.extras = a.Extras();
      return s;
    }
    s.metric = "mixed";  // count-weighted mean of the per-metric scores
    double sum = 0;
    for (const auto& [metric, a] : acc_) {
      s.count += a.count();
      sum += a.Score() * a.count();
      s.extras[std::string(MetricName(metric)) + ".score"] = a.Score();
    }
    s.score = s.count ? sum / s.count : 0;
    return s;
  }

  const std::string& predictions() const { return log_; }

 private:
  const BenchFile& file_;
  std::map<Metric, MetricAccumulator> acc_;
  std::string log_;
};

// The prompt of one item: a one-turn conversation ending on the human turn.
Result<text::EncodedExample> EncodePrompt(const text::Tokenizer& tokenizer, const model::ModelConfig& config,
                                          const BenchItem& item, const EvalOptions& options) {
  text::TemplateOptions templ;
  templ.kind = text::TemplateKind::kLlavaV1;
  templ.num_image_tokens = config.image_token_count();
  templ.allow_no_answer = true;
  int64_t room = config.text.max_position_embeddings - options.max_new_tokens;
  if (room < 1) return Status::Usage("max_new_tokens leaves no room for the prompt");
  std::vector<data::Turn> turns = {{"human", item.question}};
  XMAS_ASSIGN_OR_RETURN(auto ex, text::EncodeConversation(tokenizer, turns, !item.image.empty(), templ));
  if (ex.size() > room) {  // keep the end of the prompt ("... ASSISTANT:")
    return Status::InvalidInput("prompt of " + std::to_string(ex.size()) + " tokens exceeds the model's " +
                                std::to_string(room) + " (max positions minus max_new_tokens)");
  }
  return ex;
}

Result<std::vector<float>> LoadItemImage(const BenchFile& file, const BenchItem& item,
                                         const model::ModelConfig& config, const EvalOptions& options) {
  XMAS_ASSIGN_OR_RETURN(std::string path, ResolveImagePath(file, item.image, options.image_root));
  return train::DefaultImageLoader()(path, config);  // as the model was trained
}

// Generates the answers of items [begin, end) of `file`.
Result<std::vector<std::string>> Answer(model::Model& model, const text::Tokenizer& tokenizer,
                                        const BenchFile& file, size_t begin, size_t end,
                                        const EvalOptions& options) {
  const auto& config = model.config();
  std::vector<text::EncodedExample> examples;
  std::vector<std::vector<float>> images(end - begin);
  for (size_t i = begin; i < end; ++i) {
    const BenchItem& item = file.items[i];
    std::string where = file.path + ": record " + std::to_string(i) + " (id '" + item.id + "')";
    auto ex = EncodePrompt(tokenizer, config, item, options);
    if (!ex.ok()) return ex.status().WithPrefix(where);
    examples.push_back(std::move(*ex));
    if (!item.image.empty()) {
      auto img = LoadItemImage(file, item, config, options);
      if (!img.ok()) return img.status().WithPrefix(where + ": field 'image'");
      images[i - begin] = std::move(*img);
    }
  }
  std::vector<const text::EncodedExample*> ex_ptrs;
  std::vector<const std::vector<float>*> img_ptrs;
  for (size_t k = 0; k < examples.size(); ++k) {
    ex_ptrs.push_back(&examples[k]);
    img_ptrs.push_back(examples[k].has_image() ? &images[k] : nullptr);
  }
  model::CollateOptions collate;
  collate.pad_token_id = tokenizer.pad_id();
  collate.with_labels = false;
  XMAS_ASSIGN_OR_RETURN(model::Batch batch, model::Collate(ex_ptrs, img_ptrs, config, collate));
  model::GenerateOptions gen;
  gen.max_new_tokens = options.max_new_tokens;
  gen.eos_token_id = tokenizer.eos_id();
  XMAS_ASSIGN_OR_RETURN(auto outputs, model::GenerateGreedy(model, batch.To(model.device()), gen));
  std::vector<std::string> answers;
  for (const auto& ids : outputs) {
    std::vector<int32_t> ids32(ids.begin(), ids.end());
    XMAS_ASSIGN_OR_RETURN(std::string text, tokenizer.Decode(ids32));
    answers.push_back(std::move(text));
  }
  return answers;
}

Result<BenchmarkScore> EvaluateFile(model::Model& model, const text::Tokenizer& tokenizer,
                                    const std::string& path, const EvalOptions& options) {
  XMAS_ASSIGN_OR_RETURN(BenchFile file, LoadBenchFile(path, options.default_metric));
  size_t n = file.items.size();
  if (options.limit > 0) n = std::min(n, static_cast<size_t>(options.limit));
  BenchRun run(file);
  std::unique_ptr<Progress> bar;
  if (options.show_progress) bar = std::make_unique<Progress>("eval " + file.name, n, "q");
  size_t step = static_cast<size_t>(std::max<int64_t>(1, options.batch_size));
  for (size_t begin = 0; begin < n; begin += step) {
    size_t end = std::min(n, begin + step);
    XMAS_ASSIGN_OR_RETURN(auto answers, Answer(model, tokenizer, file, begin, end, options));
    for (size_t i = begin; i < end; ++i) XMAS_RETURN_IF_ERROR(run.Score(file.items[i], answers[i - begin], i));
    if (bar) bar->Add(end - begin);
  }
  if (bar) bar->Finish();
  if (!options.predictions_dir.empty()) {
    std::error_code ec;
    fs::create_directories(options.predictions_dir, ec);
    if (ec) return Status::IoError(options.predictions_dir + ": cannot create the predictions folder: " + ec.message());
    XMAS_RETURN_IF_ERROR(WriteFileAtomic(
        (fs::path(options.predictions_dir) / (file.name + ".predictions.jsonl")).string(), run.predictions()));
  }
  BenchmarkScore score = run.Summary();
  log::Info("eval ", score.name, ": ", score.metric, " ", score.score, " over ", score.count, " items");
  return score;
}

}  // namespace

Result<EvalReport> EvaluateModel(model::Model& model, const text::Tokenizer& tokenizer,
                                 const std::vector<std::string>& bench_files, const EvalOptions& options) {
  auto start = std::chrono::steady_clock::now();
  if (options.threads > 0) torch::set_num_threads(options.threads);
  torch::NoGradGuard no_grad;
  model.eval();
  EvalReport report;
  for (const auto& path : bench_files) {
    XMAS_ASSIGN_OR_RETURN(BenchmarkScore score, EvaluateFile(model, tokenizer, path, options));
    for (const auto& b : report.benchmarks) {
      if (b.name == score.name) return Status::InvalidInput(path + ": benchmark name '" + b.name + "' repeats");
    }
    report.benchmarks.push_back(std::move(score));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<EvalReport> EvaluateCheckpoint(const std::string& checkpoint, const std::string& bench,
                                      const std::string& tokenizer_path, const std::string& device,
                                      const EvalOptions& options) {
  XMAS_ASSIGN_OR_RETURN(auto files, ListBenchFiles(bench));
  std::string tok = tokenizer_path.empty() ? files::TokenizerPath(checkpoint) : tokenizer_path;
  XMAS_ASSIGN_OR_RETURN(auto tokenizer, text::Tokenizer::Load(tok));
  XMAS_ASSIGN_OR_RETURN(torch::Device dev, model::ParseDevice(device));
  XMAS_ASSIGN_OR_RETURN(auto model, model::LoadModel(checkpoint, dev));
  XMAS_ASSIGN_OR_RETURN(EvalReport report, EvaluateModel(*model, tokenizer, files, options));
  report.model = checkpoint;
  return report;
}

}  // namespace xmas::eval
