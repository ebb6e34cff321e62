// Writes the oracle's answers for text_oracle (tests/text/oracle):
//   node encode.mjs OUT_DIR bpe       OUT/<name>.json = {tokenizer_json, cases: [[text, ids]]}
//   node encode.mjs OUT_DIR template  OUT/<name>.json = {tokenizer_json, cases: [{template,
//       turns, has_image, prompt, jinja, ids, labels}]} (reference_templates.mjs)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildConversations, buildCorpus } from "./corpus.mjs";
import { TEMPLATES } from "./reference_templates.mjs";
import { TOKENIZERS, loadTokenizer, withBos } from "./tokenizers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const [out, mode = "bpe"] = process.argv.slice(2);
if (!out || !["bpe", "template"].includes(mode)) throw new Error("usage: node encode.mjs OUT_DIR bpe|template");
fs.mkdirSync(out, { recursive: true });

function write(name, json, cases) {
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify({ tokenizer_json: json, cases }));
  console.log(`${name}: ${cases.length} ${mode} cases`);
}

function templateCases(tokenizer, chatTemplate) {
  const cases = [];
  const push = (template, conv, hasImage) => {
    const r = TEMPLATES[template](tokenizer, conv, chatTemplate);
    cases.push({ template, turns: conv.map((t) => [t.from, t.value]), has_image: hasImage,
      prompt: r.prompt, jinja: r.jinja ?? null, ids: r.ids, labels: r.labels });
  };
  for (const { conv, has_image } of buildConversations(repo)) {
    for (const template of Object.keys(TEMPLATES)) {
      if (template === "plain") {
        if (has_image && conv.length === 2) push(template, conv, true);
        continue;
      }
      push(template, conv, has_image);
      if (template === "chatml") push(template, conv.slice(0, -1), has_image);  // a generation prompt
    }
  }
  return cases;
}

if (mode === "bpe") {
  const corpus = buildCorpus(repo);
  for (const name of Object.keys(TOKENIZERS)) {
    const { tokenizer, files } = loadTokenizer(name);
    write(name, files.json, corpus.map((text) => [text, tokenizer.encode(text, { add_special_tokens: false })]));
  }
} else {
  const qwen = loadTokenizer("qwen3");
  const chatTemplate = qwen.config.chat_template;
  write("qwen3", qwen.files.json, templateCases(qwen.tokenizer, chatTemplate));
  // Llama-3 as Meta ships it: a TemplateProcessing post-processor adds BOS,
  // which the BOS-aware masking rules (llava_v1, llama, gemma) assume.
  const bos = withBos("llama3", path.join(out, "llama3_bos"));
  write("llama3_bos", bos.files.json, templateCases(bos.tokenizer, chatTemplate));
  // The same vocabulary with LLaMA-2/Gemma-style specials (<s>, </s>, <eos>),
  // and a pad token of its own (LLaVA pads with unk), so that the llava_v1,
  // vicuna_v1, llama and gemma rules meet the tokenizers they were written for.
  const renamed = withBos("llama3", path.join(out, "llama3_s"),
    { "<|begin_of_text|>": "<s>", "<|end_of_text|>": "</s>", "<|eot_id|>": "<eos>" },
    "<|reserved_special_token_0|>");
  write("llama3_s", renamed.files.json, templateCases(renamed.tokenizer, chatTemplate));
}
