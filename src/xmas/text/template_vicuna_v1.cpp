// The `vicuna_v1` chat template: LLaVA conversation.py conv_vicuna_v1 (LLaVA-1.5's --version v1) with train.py preprocess_v1.
#include "xmas/text/template_format.h"

namespace xmas::text {

const char kCuriousUserSystem[] =
    "A chat between a curious user and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the user's questions. ";

const TemplateFormat kVicunaV1Template = {
    TemplateKind::kVicunaV1, "vicuna_v1", "LLaVA conversation.py conv_vicuna_v1 (LLaVA-1.5's --version v1) with train.py preprocess_v1",
    /*system=*/kCuriousUserSystem,
    /*user=*/"USER: ", /*user_end=*/" ", /*assistant=*/"ASSISTANT: ",
    /*answer_end=*/"</s>", /*turn_end=*/"", /*generation=*/"ASSISTANT:",
    MaskRule::kLlavaV1};

}  // namespace xmas::text
