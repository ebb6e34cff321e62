// The `chatml` template: Qwen2-style ChatML, as the Qwen2/Qwen2.5 tokenizers'
// own chat_template renders it (and LLaVA-NeXT's qwen_1_5 conversation):
//   <|im_start|>system\nYou are a helpful assistant.<|im_end|>\n
//   <|im_start|>user\n<image>\nQ<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n
// Trained: the answer and its <|im_end|>.
#include "xmas/text/template_format.h"

namespace xmas::text {

const TemplateFormat kChatmlTemplate = {
    TemplateKind::kChatml, "chatml",
    "Qwen2 tokenizer chat_template (ChatML); LLaVA-NeXT conv_qwen",
    /*system=*/"<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n",
    /*user=*/"<|im_start|>user\n", /*user_end=*/"<|im_end|>\n",
    /*assistant=*/"<|im_start|>assistant\n", /*answer_end=*/"<|im_end|>", /*turn_end=*/"\n",
    /*generation=*/"<|im_start|>assistant\n",
    MaskRule::kBoundaries};

}  // namespace xmas::text
