// The `qwen2_instruct` chat template: TinyLLaVA Factory tinyllava/data/template/qwen2_instruct_template.py with base.py Template.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kQwen2InstructTemplate = {
    TemplateKind::kQwen2Instruct, "qwen2_instruct", "TinyLLaVA Factory tinyllava/data/template/qwen2_instruct_template.py with base.py Template",
    /*system=*/kCuriousUserSystem,
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"<|im_end|>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kTinyLlava};

}  // namespace xmas::text
