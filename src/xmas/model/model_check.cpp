#include "xmas/model/model_check.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xmas/data/image.h"
#include "xmas/model/checkpoint_match.h"
#include "xmas/model/family.h"
#include "xmas/model/preprocess.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/file_names.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"

namespace xmas::model {
namespace {

namespace fs = std::filesystem;

std::string Triple(const std::array<float, 3>& v) {
  std::ostringstream out;
  out << "[" << v[0] << ", " << v[1] << ", " << v[2] << "]";
  return out.str();
}

// The tokenizer xmas would use from `dir`, and whether it fits the embeddings.
Status CheckTokenizer(const fs::path& dir, const ModelConfig& c, std::ostringstream& out) {
  const std::string file = text::Tokenizer::FileInFolder(dir.string());
  if (file.empty()) {
    out << "tokenizer: none in the folder (train/trajectories take --tokenizer or the run's tokenizer)\n";
    return Status::Ok();
  }
  XMAS_ASSIGN_OR_RETURN(text::Tokenizer tok, text::Tokenizer::Load(file));
  out << "tokenizer: " << tok.Describe() << "\n";
  if (tok.vocab_size() > c.text.vocab_size) {
    return Status::InvalidInput(file + ": vocabulary " + std::to_string(tok.vocab_size()) +
                                " exceeds text_config.vocab_size " + std::to_string(c.text.vocab_size));
  }
  return Status::Ok();
}

void DescribeTemplates(const fs::path& dir, std::ostringstream& out) {
  out << "chat template: xmas llava_v1 (finetune checkpoints) or plain (pretrain), chosen by --template "
         "or trainer_state.json";
  auto cfg = ReadFile(files::HfTokenizerConfigPath(dir.string()));
  if (cfg.ok()) {
    nlohmann::json j = nlohmann::json::parse(*cfg, nullptr, false);
    const bool has = !j.is_discarded() && j.contains("chat_template");
    out << "; tokenizer_config.json " << (has ? "has a chat_template (not used by xmas)" : "has no chat_template");
  }
  out << "\n";
}

// xmas's preprocessing, and whether preprocessor_config.json agrees.
void DescribePreprocessing(const fs::path& dir, const ModelConfig& c, std::ostringstream& out) {
  const data::PreprocessOptions p = TowerPreprocessing(c);
  out << "image preprocessing: "
      << (c.image_aspect_ratio == "pad" ? "pad to square with the mean colour, bicubic resize to "
                                        : "bicubic resize (aspect ratio not kept) to ")
      << c.vision.image_size
      << "x" << c.vision.image_size << ", mean " << Triple(p.mean) << ", std " << Triple(p.std);
  auto text = ReadFile((dir / "preprocessor_config.json").string());
  if (!text.ok()) {
    out << " (no preprocessor_config.json)\n";
    return;
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  std::string diff;
  for (const auto& [key, want] : {std::pair{"image_mean", p.mean}, std::pair{"image_std", p.std}}) {
    if (j.is_discarded() || !j.contains(key) || !j[key].is_array() || j[key].size() != 3) continue;
    for (size_t i = 0; i < 3; ++i) {
      if (!j[key][i].is_number() || std::abs(j[key][i].get<double>() - want[i]) > 1e-6) {
        diff += std::string(diff.empty() ? "" : ", ") + key + " " + j[key].dump();
        break;
      }
    }
  }
  out << (diff.empty() ? "; preprocessor_config.json agrees on mean/std\n"
                       : "; preprocessor_config.json DIFFERS: " + diff + " (not used by xmas)\n");
}

}  // namespace

std::string DescribeConfig(const ModelConfig& c) {
  const ParameterCounts n = CountParameters(c);
  const DecoderFamily* family = FindFamily(c.text.model_type);
  std::ostringstream out;
  out << "architecture: " << ArchitectureName(c) << "\n";
  if (family != nullptr) out << "family: " << family->summary << "\n";
  out << "vision: " << (c.vision.is_siglip() ? "SigLIP " : "CLIP ViT ") << c.vision.num_hidden_layers << " layers x " << c.vision.hidden_size << " ("
      << c.vision.num_attention_heads << " heads, MLP " << c.vision.intermediate_size << ", "
      << c.vision.hidden_act << "), " << c.vision.image_size << "px / patch " << c.vision.patch_size
      << " -> " << c.image_token_count() << " image tokens per image from layer " << c.vision_feature_layer
      << " (" << c.vision_feature_select_strategy << ")\n"
      << "connector: " << c.projector_type << " (" << c.projector_hidden_act << ")\n"
      << "llm: " << c.text.num_hidden_layers << " layers x " << c.text.hidden_size << " ("
      << c.text.num_attention_heads << " heads, " << c.text.num_key_value_heads << " kv heads, MLP "
      << c.text.intermediate_size << ", " << c.text.hidden_act << "), vocab " << c.text.vocab_size
      << ", rope theta " << c.text.rope_theta << ", rotary " << c.text.rotary_dim() << " of "
      << c.text.head_dim() << " head features" << (c.text.tie_word_embeddings ? ", tied head" : "") << "\n"
      << "ids: image " << c.image_token_index << ", pad " << c.pad_token_id << ", bos " << c.bos_token_id
      << ", eos " << c.eos_token_id << "\n"
      << "parameters: " << n.total() << " (vision " << n.vision << ", connector " << n.projector << ", llm "
      << n.language << ")\n";
  return out.str();
}

void LogModelReport(const ModelConfig& config, const std::string& source) {
  log::Info("model (", source, "):");
  std::istringstream lines(DescribeConfig(config));
  for (std::string line; std::getline(lines, line);) log::Info("  ", line);
}

ModelCheckReport CheckModelDir(const std::string& dir) {
  ModelCheckReport report;
  std::ostringstream out;
  auto finish = [&](Status status) {
    report.text = out.str();
    report.status = std::move(status);
    return report;
  };
  Result<ModelConfig> config = LoadConfig(files::ModelConfigPath(dir));
  if (!config.ok()) return finish(config.status());
  out << DescribeConfig(*config);
  DescribePreprocessing(dir, *config, out);
  Result<CheckpointMatch> match = MatchCheckpoint(*config, dir);
  if (!match.ok()) {
    out << "weights: DO NOT MATCH (see the error)\n";
    return finish(match.status());
  }
  int64_t tensors = 0;
  for (const auto& h : match->headers) tensors += static_cast<int64_t>(h.tensors.size());
  out << "weights: " << match->headers.size() << " file(s), " << tensors << " tensors: every parameter found, "
      << "every tensor matched" << (match->buffers.empty() ? "" : " (" + std::to_string(match->buffers.size()) +
                                                                      " known buffers skipped)")
      << "\n";
  Status tok = CheckTokenizer(dir, *config, out);
  DescribeTemplates(dir, out);
  return finish(tok);
}

}  // namespace xmas::model
