#include "xmas/train/trainable.h"

#include <sstream>

#include "xmas/train/stage.h"

namespace xmas::train {

std::string TrainableParts::ToString() const {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(vision, "vision");
  add(connector, "connector");
  add(llm, "llm");
  return out;
}

Result<TrainableParts> ParseTrainable(const std::string& list) {
  TrainableParts parts;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "vision") {
      parts.vision = true;
    } else if (item == "connector" || item == "projector") {
      parts.connector = true;
    } else if (item == "llm" || item == "language") {
      parts.llm = true;
    } else {
      return Status::Usage("--trainable: unknown part '" + item + "' (expected vision, connector, llm)");
    }
  }
  if (!parts.any()) return Status::Usage("--trainable: names no part (expected e.g. connector,llm)");
  return parts;
}

Result<TrainableParts> DefaultTrainable(const std::string& stage) {
  XMAS_ASSIGN_OR_RETURN(const Stage* s, FindStage(stage));
  return ParseTrainable(s->trainable);
}

std::vector<torch::Tensor> ApplyTrainable(model::Model& model, const TrainableParts& parts) {
  auto set = [](const std::vector<torch::Tensor>& params, bool on) {
    for (auto p : params) p.set_requires_grad(on);
  };
  set(model.VisionParameters(), parts.vision);
  set(model.ProjectorParameters(), parts.connector);
  set(model.LanguageParameters(), parts.llm);
  std::vector<torch::Tensor> trainable;
  for (const auto& p : model.parameters()) {
    if (p.requires_grad()) trainable.push_back(p);
  }
  return trainable;
}

}  // namespace xmas::train
