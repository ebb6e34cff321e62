#include "xmas/train/run_setup.h"

#include <algorithm>
#include <filesystem>

#include "xmas/text/tokenizer_train.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace fs = std::filesystem;

namespace xmas::train {

bool IsPresetName(const std::string& name) {
  const auto names = model::PresetNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<model::ModelConfig> ResolveRunConfig(const TrainOptions& options) {
  if (!options.config.empty()) return model::ResolveConfig(options.config);
  if (!options.init.empty()) return model::LoadConfig(files::ModelConfigPath(options.init));
  return Status::Usage("--config: required (a preset such as 'tiny' or a config.json) unless --init is given");
}

namespace {

Status CopyInto(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (fs::exists(to, ec) && fs::equivalent(from, to, ec)) return Status::Ok();
  XMAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(from));
  return WriteFileAtomic(to, bytes);
}

}  // namespace

Result<text::Tokenizer> ResolveRunTokenizer(const TrainOptions& options, const data::Dataset& dataset,
                                            int64_t vocab, const std::string& run_tokenizer) {
  std::string source;
  if (!options.tokenizer.empty()) {
    source = options.tokenizer;
  } else if (options.resume && fs::exists(run_tokenizer)) {
    source = run_tokenizer;
  } else if (!options.init.empty() && fs::exists(files::TokenizerPath(options.init))) {
    source = files::TokenizerPath(options.init);
  }
  if (!source.empty()) {
    log::Info("tokenizer: ", source);
    XMAS_RETURN_IF_ERROR(CopyInto(source, run_tokenizer));
    return text::Tokenizer::Load(run_tokenizer);
  }
  log::Info("tokenizer: training a SentencePiece model (", vocab, " pieces) on ", dataset.path());
  XMAS_ASSIGN_OR_RETURN(auto sentences, text::CollectSentences(dataset));
  text::TokenizerTrainOptions train;
  train.vocab_size = static_cast<int32_t>(vocab);
  XMAS_RETURN_IF_ERROR(text::TrainTokenizer(sentences, train, run_tokenizer));
  return text::Tokenizer::Load(run_tokenizer);
}

Result<text::Tokenizer> ResolveSharedTokenizer(dist::World& world, const TrainOptions& options,
                                               const data::Dataset& dataset, int64_t vocab,
                                               const std::string& run_tokenizer) {
  if (world.size() == 1) return ResolveRunTokenizer(options, dataset, vocab, run_tokenizer);
  std::string bytes;
  Status status = Status::Ok();
  if (world.is_main()) {
    auto resolved = ResolveRunTokenizer(options, dataset, vocab, run_tokenizer);
    auto read = resolved.ok() ? ReadFile(run_tokenizer) : Result<std::string>(resolved.status());
    status = read.status();
    if (read.ok()) bytes = std::move(*read);
  }
  XMAS_RETURN_IF_ERROR(world.AgreeOk(status));
  XMAS_ASSIGN_OR_RETURN(bytes, world.BroadcastBytes(bytes));
  return text::Tokenizer::FromSerialized(bytes, run_tokenizer + " (from rank 0)");
}

Status FitConfigToTokenizer(const text::Tokenizer& tokenizer, bool config_is_preset,
                            const std::string& config_source, model::ModelConfig* config) {
  const int64_t rows = tokenizer.embedding_rows();
  if (config_is_preset) {
    config->text.vocab_size = rows;
  } else if (config->text.vocab_size < rows) {
    return Status::InvalidInput(config_source + ": field 'text_config.vocab_size': is " +
                                std::to_string(config->text.vocab_size) + " but tokenizer " +
                                tokenizer.name() + " needs at least " + std::to_string(rows) + " rows");
  }
  config->image_token_index = tokenizer.image_id();
  config->pad_token_id = tokenizer.pad_id();
  config->bos_token_id = tokenizer.bos_id();
  config->eos_token_id = tokenizer.eos_id();
  return model::Validate(*config);
}

}  // namespace xmas::train
