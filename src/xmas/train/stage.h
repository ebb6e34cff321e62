// The training stages of the LLaVA-1.5 recipe and what each defaults to, in
// one table: the trainer reads its template, trained parts and learning rate
// from here, the extractor the template of a checkpoint (from the stage its
// trainer_state.json records), `xmas train --stage` the names.
//
//   pretrain   caption data, `plain` template, trains the connector, lr 1e-3
//   finetune   instruction data, `llava_v1` template, trains the connector
//              and the LLM, lr 2e-5
#pragma once

#include <string>
#include <vector>

#include "xmas/text/chat_template.h"
#include "xmas/util/status.h"

namespace xmas::train {

struct Stage {
  const char* name;
  text::TemplateKind template_kind;  // unless --template says otherwise
  const char* trainable;             // ParseTrainable list, unless --trainable
  double learning_rate;              // unless --lr
};

// Every stage, pretrain first.
const std::vector<Stage>& Stages();

// The row of `name`; usage error "--stage: expected pretrain or finetune, got '<name>'".
Result<const Stage*> FindStage(const std::string& name);

// The names, in table order (for CLI checks).
std::vector<std::string> StageNames();

}  // namespace xmas::train
