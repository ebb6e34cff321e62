// The `llava_v1` chat template: LLaVA conversation.py conv_llava_v1 with train.py preprocess_v1.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kLlavaV1Template = {
    TemplateKind::kLlavaV1, "llava_v1", "LLaVA conversation.py conv_llava_v1 with train.py preprocess_v1",
    /*system=*/"A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions. ",
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"</s>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kLlavaV1};

}  // namespace xmas::text
