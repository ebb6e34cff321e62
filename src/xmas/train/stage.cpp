#include "xmas/train/stage.h"

#include "xmas/util/enum_names.h"

namespace xmas::train {

const std::vector<Stage>& Stages() {
  static const std::vector<Stage> table = {
      {"pretrain", text::TemplateKind::kPlain, "connector", 1e-3},
      {"finetune", text::TemplateKind::kLlavaV1, "connector,llm", 2e-5},
  };
  return table;
}

Result<const Stage*> FindStage(const std::string& name) {
  for (const Stage& s : Stages()) {
    if (name == s.name) return &s;
  }
  return Status::Usage("--stage: expected " + JoinAlternatives(StageNames()) + ", got '" + name + "'");
}

std::vector<std::string> StageNames() {
  std::vector<std::string> names;
  for (const Stage& s : Stages()) names.emplace_back(s.name);
  return names;
}

}  // namespace xmas::train
