// The tokenizer parity corpus: >= 10,000 strings, the same on every run
// (seeded). Sources: the demo data's phrasing (string literals of
// src/xmas/demodata), the text fixtures, and generated strings of unicode
// scripts, combining marks (NFC), whitespace runs, digit runs, emoji and
// code. U+0085 and U+FEFF are left out: HF's Rust tokenizers read `\s` as
// White_Space (U+0085 in, U+FEFF out) while the JavaScript oracle's `\s` is
// the reverse, so on those two the oracle is not the reference.
import fs from "node:fs";
import path from "node:path";

export function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function demoStrings(repo) {
  const dir = path.join(repo, "src/xmas/demodata");
  const out = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const src = fs.readFileSync(path.join(dir, f), "utf8");
    for (const m of src.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
      const s = m[1].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      if (s.length > 0) out.push(s);
    }
  }
  return out;
}

function fixtureStrings(repo) {
  const out = [];
  const data = JSON.parse(fs.readFileSync(path.join(repo, "tests/fixtures/dataset/tiny_llava.json"), "utf8"));
  for (const rec of data) for (const turn of rec.conversations ?? []) out.push(turn.value);
  const corpus = fs.readFileSync(path.join(repo, "tests/fixtures/text/corpus.txt"), "utf8");
  out.push(...corpus.split("\n").filter((l) => l.length > 0));
  return out;
}

const WORDS = ["the", "The", "image", "shows", "a", "cat", "What's", "it's", "THEY'RE", "we'll",
  "I'M", "you'd", "they've", "don't", "colour", "naïve", "café", "résumé", "Straße", "über",
  "question", "answer", "USER:", "ASSISTANT:", "<image>", "hello", "world", "tokenizer", "x",
  "photograph", "left", "right", "above", "below", "how", "many", "objects", "are", "there"];
const SCRIPTS = ["Привет мир", "Καλημέρα κόσμε", "こんにちは世界", "你好，世界！", "안녕하세요 세계",
  "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก", "Xin chào thế giới",
  "Ünïcödé ñ ç ø å æ œ ß", "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３", "ℌ𝔢𝔩𝔩𝔬 𝕎𝕠𝕣𝕝𝕕", "①②③ Ⅻ ½ ¾ ²³",
  "e\u0301 a\u0300 o\u0308 n\u0303 A\u030A", "\u1100\u1161\u11a8", "Ω ohm \u2126 K \u212a Å \u212b"];
const EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "❤️", "🤖", "🎄", "✨", "🧑🏿‍💻", "☃", "⭐️", "🫠"];
const SPACES = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n", "\n ", "\t\t", "        ",
  "\u00a0", "\u3000", "\u2009", "\u2003", "\u200b", " \t \n", "\n\n\n\n", "\r", "\v", "\f"];
const CODE = [
  "def f(x):\n    return x ** 2  # square\n",
  "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
  "const y = {a: [1, 2, 3], 'b': \"c\"};",
  "SELECT id, name FROM users WHERE age >= 21;",
  "#include <vector>\nstd::vector<int> v{1,2,3};",
  "if __name__ == '__main__':\n    main()\n",
  "x=1;y=2;z=x+y*3/4-5%6",
  "  \t// comment\n  /* block */\n",
  "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
  "<|endoftext|><|begin_of_text|>text<|eot_id|>",
  "https://example.com/path?q=1&r=two#frag",
  "price: $1,234.56 (12%) — 3.14159e-10",
];

function pick(rand, list) { return list[Math.floor(rand() * list.length)]; }

function digits(rand) {
  const n = 1 + Math.floor(rand() * 14);
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(rand() * 10));
  return s;
}

function randomCodePoint(rand) {
  const ranges = [[0x20, 0x7e], [0xa1, 0x17f], [0x370, 0x3ff], [0x400, 0x4ff], [0x591, 0x5f4],
    [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f], [0x1e00, 0x1eff], [0x2000, 0x206f],
    [0x2190, 0x22ff], [0x3040, 0x30ff], [0x4e00, 0x4fff], [0xac00, 0xad00], [0xff01, 0xff5e],
    [0x1f300, 0x1f5ff], [0x1f600, 0x1f64f], [0x1d400, 0x1d4ff]];
  const [lo, hi] = pick(rand, ranges);
  let cp = lo + Math.floor(rand() * (hi - lo + 1));
  if (cp === 0x85 || cp === 0xfeff) cp = 0x41;
  return String.fromCodePoint(cp);
}

export function generated(rand) {
  const parts = [];
  const n = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.3) parts.push(pick(rand, WORDS));
    else if (r < 0.42) parts.push(pick(rand, SPACES));
    else if (r < 0.52) parts.push(digits(rand));
    else if (r < 0.62) parts.push(pick(rand, SCRIPTS));
    else if (r < 0.7) parts.push(pick(rand, EMOJI));
    else if (r < 0.78) parts.push(pick(rand, CODE));
    else if (r < 0.9) {
      let s = "";
      const k = 1 + Math.floor(rand() * 8);
      for (let j = 0; j < k; j++) s += randomCodePoint(rand);
      parts.push(s);
    } else parts.push(pick(rand, ["'s", "'S", "'ll", "'Ve", "?!", "...", "—", "\"", "''", "'"]));
    if (rand() < 0.5) parts.push(" ");
  }
  return parts.join("");
}

export function buildCorpus(repo, total = 10500) {
  const rand = mulberry32(20261203);
  const out = [...demoStrings(repo), ...fixtureStrings(repo), ...SCRIPTS, ...EMOJI, ...SPACES, ...CODE, ""];
  while (out.length < total) out.push(generated(rand));
  return out;
}

// Conversations for the template check: the fixture dataset's, then
// generated ones (1-3 rounds, half with an image) whose text holds none of
// the templates' own markers.
export function buildConversations(repo, total = 160) {
  const rand = mulberry32(181203);
  const data = JSON.parse(fs.readFileSync(path.join(repo, "tests/fixtures/dataset/tiny_llava.json"), "utf8"));
  const out = [];
  for (const rec of data) {
    const conv = (rec.conversations ?? []).map((t) => ({ from: t.from, value: t.value }));
    if (conv.length >= 2 && conv.length % 2 === 0) out.push({ conv, has_image: Boolean(rec.image) });
  }
  const markers = ["<|", "</s>", "<eos>", "<image>", "ASSISTANT:", "USER:"];
  const text = () => {
    for (;;) {
      const s = generated(rand);
      if (s.trim() !== "" && !markers.some((m) => s.includes(m))) return s;
    }
  };
  while (out.length < total) {
    const rounds = 1 + Math.floor(rand() * 3);
    const hasImage = rand() < 0.5;
    const conv = [];
    for (let r = 0; r < rounds; r++) {
      let q = text();
      if (r === 0 && hasImage) q = rand() < 0.5 ? "<image>\n" + q : q + "\n<image>";
      conv.push({ from: "human", value: q }, { from: "gpt", value: text() });
    }
    out.push({ conv, has_image: hasImage });
  }
  return out;
}
