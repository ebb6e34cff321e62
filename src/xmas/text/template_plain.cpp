// The `plain` template (pretraining / alignment): "<image>" + caption + "\n".
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kPlainTemplate = {
    TemplateKind::kPlain, "plain",
    "LLaVA conversation.py conv_llava_plain with train.py preprocess_plain "
    "(= TinyLLaVA Factory's pretrain template)",
    /*system=*/"", /*user=*/"", /*user_end=*/"", /*assistant=*/"",
    /*answer_end=*/"\n", /*turn_end=*/"", /*generation=*/"",
    MaskRule::kPlain};

}  // namespace xmas::text
