// Reference renderings of the chat templates, written in JavaScript from the
// reference Python code (not from xmas's C++):
//   - LLaVA (haotian-liu/LLaVA): conversation.py conv_llava_v1 / conv_vicuna_v1
//     (SeparatorStyle.TWO get_prompt), train.py preprocess_multimodal,
//     preprocess_v1 (legacy tokenizer branch), preprocess_plain;
//     mm_utils.py tokenizer_image_token.
//   - TinyLLaVA Factory: tinyllava/data/template/base.py Template (_prompt,
//     make_labels, _make_masks), llama_template.py / gemma_template.py
//     (_make_masks with BOS; llama's non-legacy branch is not taken),
//     phi/qwen2_base/qwen2_instruct, pretrain_template.py.
//   - chatml: rendered by @huggingface/jinja from the tokenizer's own
//     chat_template; its labels are the answer and its <|im_end|>, located
//     by tokenising the prompt up to each boundary (the tokens that
//     tokenisation shares with the whole prompt's).
// Every tokenisation is HF's tokenizer(text) (special tokens added as the
// tokenizer's post-processor says).
import { Template } from "@huggingface/jinja";

export const IGNORE = -100;
export const IMAGE = -200;
const USER_SYSTEM = "A chat between a curious user and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the user's questions.";
const HUMAN_SYSTEM = "A chat between a curious human and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the human's questions.";

export function tokenizerImageToken(tok, prompt) {
  const chunks = prompt.split("<image>").map((c) => tok.encode(c));
  const out = [];
  let offset = 0;
  if (chunks.length > 0 && chunks[0].length > 0 && chunks[0][0] === tok.bos_token_id) {
    offset = 1;
    out.push(chunks[0][0]);
  }
  chunks.forEach((x, k) => {
    if (k > 0) out.push(IMAGE);
    out.push(...x.slice(offset));
  });
  return out;
}

function fill(arr, begin, end) {  // python's arr[begin:end] = IGNORE for begin, end >= 0
  for (let i = Math.max(begin, 0); i < Math.min(end, arr.length); i++) arr[i] = IGNORE;
}

// LLaVA's preprocess_multimodal (mm_use_im_start_end off).
function moveImage(conv) {
  return conv.map((t) => {
    if (!t.value.includes("<image>")) return { ...t };
    const v = "<image>\n" + t.value.replaceAll("<image>", "").trim();
    return { ...t, value: v.trim() };
  });
}

function llavaV1(tok, system, conv) {
  conv = moveImage(conv);
  let prompt = system + " ";
  conv.forEach((t, i) => {
    const role = i % 2 === 0 ? "USER" : "ASSISTANT";
    prompt += t.value ? role + ": " + t.value + (i % 2 === 0 ? " " : "</s>") : role + ":";
  });
  const ids = tokenizerImageToken(tok, prompt);
  const labels = ids.slice();
  const total = ids.filter((x) => x !== tok.pad_token_id).length;
  const sep = " ASSISTANT: ";
  let cur = 1;
  fill(labels, 0, cur);
  for (const rou of prompt.split("</s>")) {
    if (rou === "") break;
    const parts = rou.split(sep);
    if (parts.length !== 2) break;
    const roundLen = tokenizerImageToken(tok, rou).length;
    const instrLen = tokenizerImageToken(tok, parts[0] + sep).length - 2;
    fill(labels, cur, cur + instrLen);
    cur += roundLen;
  }
  fill(labels, cur, labels.length);
  if (cur !== total) fill(labels, 0, labels.length);
  return { prompt, ids, labels };
}

function tinyLlava(tok, eos, rule, conv) {
  const questions = conv.filter((_, i) => i % 2 === 0).map((t) => t.value);
  const answers = conv.filter((_, i) => i % 2 === 1).map((t) => t.value);
  let prompt = "";
  questions.forEach((q, i) => {
    if (i === 0) prompt += USER_SYSTEM + " ";
    if (q.includes("<image>")) q = ("<image>\n" + q.replaceAll("<image>", "").trim()).trim();
    prompt += "USER: " + q + " ";
    prompt += "ASSISTANT: " + answers[i] + eos;
  });
  const ids = tokenizerImageToken(tok, prompt);
  const labels = ids.slice();
  const sep = " ASSISTANT: ";
  let total = ids.filter((x) => x !== tok.pad_token_id).length;
  if (tok.pad_token_id === tok.eos_token_id) total += prompt.split(eos).length - 1;
  const eosLen = tok.encode(eos).length;
  let cur = rule === "bos" ? 1 : 0;
  fill(labels, 0, cur);
  for (const rou of prompt.split(eos)) {
    if (rou === "") break;
    const parts = rou.split(sep);
    if (parts.length !== 2) break;
    let roundLen = tokenizerImageToken(tok, rou).length;
    let instrLen = tokenizerImageToken(tok, parts[0] + sep).length;
    if (rule === "bos") {
      roundLen += 1 - 1;
      instrLen -= 1 + 1;
    } else {
      roundLen += eosLen;
      instrLen -= 1;
    }
    fill(labels, cur, cur + instrLen);
    cur += roundLen;
  }
  fill(labels, cur, labels.length);
  if (cur !== total) fill(labels, 0, labels.length);
  return { prompt, ids, labels };
}

function plain(tok, conv) {
  const prompt = "<image>" + conv[1].value + "\n";
  const ids = tokenizerImageToken(tok, prompt);
  const labels = ids.slice();
  fill(labels, 0, tokenizerImageToken(tok, "<image>").length);
  return { prompt, ids, labels };
}

// Tokens the tokenised prefix shares with the whole prompt (an answer that
// starts with whitespace may merge with the "\n" before it).
function shared(head, ids) {
  let n = 0;
  while (n < head.length && n < ids.length && head[n] === ids[n]) n++;
  return n;
}

// ChatML through the tokenizer's own Jinja chat_template.
function chatml(tok, chatTemplate, conv) {
  conv = moveImage(conv);
  const messages = [{ role: "system", content: "You are a helpful assistant." }];
  conv.forEach((t, i) => messages.push({ role: i % 2 === 0 ? "user" : "assistant", content: t.value }));
  const answered = conv.length % 2 === 0;
  const template = new Template(chatTemplate);
  // Qwen3's template marks the last answer with a thinking block, so the
  // prompt is checked on the conversation up to the last question.
  const history = answered ? messages.slice(0, -1) : messages;
  const jinja = template.render({ messages: history, add_generation_prompt: true });
  const prompt = answered ? jinja + conv[conv.length - 1].value + "<|im_end|>\n" : jinja;
  const ids = tokenizerImageToken(tok, prompt);
  const labels = ids.map(() => IGNORE);
  let at = 0;
  for (let i = 1; i < conv.length; i += 2) {
    const start = prompt.indexOf("<|im_start|>assistant\n", at) + "<|im_start|>assistant\n".length;
    const end = prompt.indexOf("<|im_end|>", start) + "<|im_end|>".length;
    const a = shared(tokenizerImageToken(tok, prompt.slice(0, start)), ids);
    const b = shared(tokenizerImageToken(tok, prompt.slice(0, end)), ids);
    for (let p = a; p < b; p++) labels[p] = ids[p];
    at = end;
  }
  return { prompt, jinja, ids, labels };
}

export const TEMPLATES = {
  llava_v1: (tok, conv) => llavaV1(tok, HUMAN_SYSTEM, conv),
  vicuna_v1: (tok, conv) => llavaV1(tok, USER_SYSTEM, conv),
  plain: (tok, conv) => plain(tok, conv),
  phi: (tok, conv) => tinyLlava(tok, "<|endoftext|>", "base", conv),
  qwen2_base: (tok, conv) => tinyLlava(tok, "<|endoftext|>", "base", conv),
  qwen2_instruct: (tok, conv) => tinyLlava(tok, "<|im_end|>", "base", conv),
  llama: (tok, conv) => tinyLlava(tok, "</s>", "bos", conv),
  gemma: (tok, conv) => tinyLlava(tok, "<eos>", "bos", conv),
  chatml: (tok, conv, chatTemplate) => chatml(tok, chatTemplate, conv),
};
