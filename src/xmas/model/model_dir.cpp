#include "xmas/model/model_dir.h"

#include <filesystem>
#include <map>
#include <sstream>

#include "xmas/model/model.h"
#include "xmas/model/model_check.h"
#include "xmas/model/safetensors.h"
#include "xmas/model/weights.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/file_names.h"
#include "xmas/util/log.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

// Tensor count, bytes and dtypes over every weight file of `dir`.
Result<std::string> DescribeWeights(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == files::kWeightsExtension) files.push_back(entry.path().string());
  }
  if (files.empty()) return std::string("weights: none (no .safetensors file)\n");
  std::sort(files.begin(), files.end());
  int64_t tensors = 0, elements = 0;
  uint64_t bytes = 0;
  std::map<std::string, int64_t> dtypes;
  for (const auto& f : files) {
    XMAS_ASSIGN_OR_RETURN(SafetensorsHeader h, ReadSafetensorsHeader(f));
    for (const auto& t : h.tensors) {
      ++tensors;
      elements += t.numel();
      bytes += t.nbytes;
      ++dtypes[t.dtype];
    }
  }
  std::ostringstream out;
  out << "weights: " << files.size() << " file(s), " << tensors << " tensors, " << elements
      << " values, " << bytes / 1e6 << " MB (";
  bool first = true;
  for (const auto& [dtype, n] : dtypes) {
    out << (first ? "" : ", ") << dtype << " x" << n;
    first = false;
  }
  out << ")\n";
  return out.str();
}

}  // namespace

void ApplyTokenizer(const text::Tokenizer& tokenizer, ModelConfig* config) {
  config->text.vocab_size = tokenizer.vocab_size();
  config->image_token_index = tokenizer.image_id();
  if (tokenizer.pad_id() >= 0) config->pad_token_id = tokenizer.pad_id();
  if (tokenizer.bos_id() >= 0) config->bos_token_id = tokenizer.bos_id();
  if (tokenizer.eos_id() >= 0) config->eos_token_id = tokenizer.eos_id();
}

Status InitModelDir(const InitOptions& options) {
  XMAS_ASSIGN_OR_RETURN(ModelConfig config, ResolveConfig(options.config));
  if (!options.tokenizer.empty()) {
    XMAS_ASSIGN_OR_RETURN(text::Tokenizer tok, text::Tokenizer::Load(options.tokenizer));
    ApplyTokenizer(tok, &config);
  }
  XMAS_ASSIGN_OR_RETURN(torch::Dtype dtype, ParseDtype(options.dtype));
  XMAS_RETURN_IF_ERROR(PrepareOutputDir(options.output_dir, options.overwrite));
  std::vector<std::string> inputs = {options.config};
  if (!options.tokenizer.empty()) inputs.push_back(options.tokenizer);
  for (const char* name : {files::kModelConfig, files::kModelWeights}) {
    XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput((fs::path(options.output_dir) / name).string(), inputs));
  }
  XMAS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::Create(config, torch::kCPU, dtype, options.seed));
  XMAS_RETURN_IF_ERROR(SaveModel(*model, options.output_dir));
  log::Info("wrote ", options.output_dir, ": ", CountParameters(config).total(), " parameters (",
            DtypeName(dtype), ")");
  return Status::Ok();
}

Result<std::string> DescribeModelDir(const std::string& dir) {
  XMAS_ASSIGN_OR_RETURN(ModelConfig c, LoadConfig(files::ModelConfigPath(dir)));
  XMAS_ASSIGN_OR_RETURN(std::string weights, DescribeWeights(dir));
  return DescribeConfig(c) + weights;
}

}  // namespace xmas::model
