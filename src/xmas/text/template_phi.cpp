// The `phi` chat template: TinyLLaVA Factory tinyllava/data/template/phi_template.py with base.py Template.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kPhiTemplate = {
    TemplateKind::kPhi, "phi", "TinyLLaVA Factory tinyllava/data/template/phi_template.py with base.py Template",
    /*system=*/kCuriousUserSystem,
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"<|endoftext|>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kTinyLlava};

}  // namespace xmas::text
