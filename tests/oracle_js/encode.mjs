// Writes, for each real tokenizer bundled here, the oracle's ids of every
// corpus string: OUT/<name>.json = {tokenizer_json, cases: [[text, ids], ...]}.
// Usage: node encode.mjs OUT_DIR
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorpus } from "./corpus.mjs";
import { TOKENIZERS, loadTokenizer } from "./tokenizers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
const mode = process.argv[3] ?? "bpe";
if (!out) throw new Error("usage: node encode.mjs OUT_DIR [bpe|template]");
fs.mkdirSync(out, { recursive: true });
const corpus = buildCorpus(path.resolve(here, "../.."));
for (const name of Object.keys(TOKENIZERS)) {
  const { tokenizer, files } = loadTokenizer(name);
  const cases = corpus.map((text) => [text, tokenizer.encode(text, { add_special_tokens: false })]);
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify({ tokenizer_json: files.json, cases }));
  console.log(`${name}: ${cases.length} strings`);
}
