// The `llama` chat template: TinyLLaVA Factory tinyllava/data/template/llama_template.py.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kLlamaTemplate = {
    TemplateKind::kLlama, "llama", "TinyLLaVA Factory tinyllava/data/template/llama_template.py",
    /*system=*/kCuriousUserSystem,
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"</s>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kTinyLlavaBos};

}  // namespace xmas::text
