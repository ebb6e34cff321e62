// The `qwen2_base` chat template: TinyLLaVA Factory tinyllava/data/template/qwen2_base_template.py with base.py Template.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kQwen2BaseTemplate = {
    TemplateKind::kQwen2Base, "qwen2_base", "TinyLLaVA Factory tinyllava/data/template/qwen2_base_template.py with base.py Template",
    /*system=*/kCuriousUserSystem,
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"<|endoftext|>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kTinyLlava};

}  // namespace xmas::text
