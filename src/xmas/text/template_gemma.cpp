// The `gemma` chat template: TinyLLaVA Factory tinyllava/data/template/gemma_template.py.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kGemmaTemplate = {
    TemplateKind::kGemma, "gemma", "TinyLLaVA Factory tinyllava/data/template/gemma_template.py",
    /*system=*/kCuriousUserSystem,
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"<eos>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kTinyLlavaBos};

}  // namespace xmas::text
