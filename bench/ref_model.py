#!/usr/bin/python3
"""Plain PyTorch (Python) reference of the model loop of `xmas trajectories`
and `xmas train`, for speed comparisons (bench/model_loop_bench.sh).

It reads one of xmas's model folders (config.json + model.safetensors, the
Hugging Face LLaVA layout, src/xmas/model/) and the batches that
`bench_dump_batches` wrote (the same token ids, image pixels, batch order and
padding xmas uses), and does the same arithmetic as xmas:

  traj   for every checkpoint of RUN: the vision tower once per distinct tower
         (as xmas's vision cache), the decoder up to the last hooked layer
         with the attention of every layer (as xmas's default: attention mode,
         all layers, summed, exact top-k singular values in float64), writing
         OUT/svd/checkpoint-<step>.npy like xmas's feature store.
  train  AdamW (no weight decay) with linear warmup + cosine decay, gradient
         clipping at --max-grad-norm, the vision tower frozen unless
         --train-vision; prints one JSON line per step (loss, grad norm).

Only torch and numpy: no transformers, no safetensors package. Threads:
--threads sets torch.set_num_threads (intra-op) and 1 inter-op thread.
"""
import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "F16": np.float16}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        begin, end = meta["data_offsets"]
        if meta["dtype"] == "BF16":
            raw = np.frombuffer(data, np.int16, (end - begin) // 2, base + begin)
            t = torch.from_numpy(raw.copy()).view(torch.bfloat16).float()
        else:
            dtype = np.dtype(DTYPES[meta["dtype"]])
            raw = np.frombuffer(data, dtype, (end - begin) // dtype.itemsize, base + begin)
            t = torch.from_numpy(raw.copy()).float()
        out[name] = t.reshape(meta["shape"])
    return out


def load_model_dir(path):
    with open(os.path.join(path, "config.json")) as f:
        config = json.load(f)
    return config, load_safetensors(os.path.join(path, "model.safetensors"))


def act(name, x):
    if name == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    if name in ("gelu_pytorch_tanh", "gelu_new"):
        return F.gelu(x, approximate="tanh")
    if name == "silu":
        return F.silu(x)
    if name == "relu":
        return F.relu(x)
    return F.gelu(x)


def split_heads(x, heads):
    b, l, w = x.shape
    return x.reshape(b, l, heads, w // heads).transpose(1, 2)


def merge_heads(x):
    b, h, l, d = x.shape
    return x.transpose(1, 2).reshape(b, l, h * d)


class Model:
    """The LLaVA forward pass over a dict of weights (HF names)."""

    def __init__(self, config, weights):
        self.c = config
        self.v = config["vision_config"]
        self.t = config["text_config"]
        self.w = weights

    def lin(self, x, name, bias=True):
        b = self.w.get(name + ".bias") if bias else None
        return F.linear(x, self.w[name + ".weight"], b)

    # Vision tower -> [M, P, Dv] features of the configured layer.
    def vision(self, images):
        v, p = self.v, "vision_tower.vision_model."
        d, heads = v["hidden_size"], v["num_attention_heads"]
        eps = v.get("layer_norm_eps", 1e-5)
        x = F.conv2d(images, self.w[p + "embeddings.patch_embedding.weight"], stride=v["patch_size"])
        x = x.flatten(2).transpose(1, 2)
        cls = self.w[p + "embeddings.class_embedding"].view(1, 1, -1).expand(x.shape[0], 1, d)
        h = torch.cat([cls, x], 1) + self.w[p + "embeddings.position_embedding.weight"].unsqueeze(0)
        h = F.layer_norm(h, (d,), self.w[p + "pre_layrnorm.weight"], self.w[p + "pre_layrnorm.bias"], eps)
        layer = self.c.get("vision_feature_layer", -2)
        layer = v["num_hidden_layers"] + 1 + layer if layer < 0 else layer
        for i in range(layer):
            q = p + "encoder.layers.%d." % i
            n = F.layer_norm(h, (d,), self.w[q + "layer_norm1.weight"], self.w[q + "layer_norm1.bias"], eps)
            qs = split_heads(self.lin(n, q + "self_attn.q_proj"), heads)
            ks = split_heads(self.lin(n, q + "self_attn.k_proj"), heads)
            vs = split_heads(self.lin(n, q + "self_attn.v_proj"), heads)
            probs = torch.softmax(qs @ ks.transpose(-2, -1) * (1.0 / math.sqrt(d // heads)), -1)
            h = h + self.lin(merge_heads(probs @ vs), q + "self_attn.out_proj")
            n = F.layer_norm(h, (d,), self.w[q + "layer_norm2.weight"], self.w[q + "layer_norm2.bias"], eps)
            h = h + self.lin(act(v.get("hidden_act", "quick_gelu"), self.lin(n, q + "mlp.fc1")), q + "mlp.fc2")
        if self.c.get("vision_feature_select_strategy", "default") == "default":
            h = h[:, 1:]
        return h

    def project(self, features):
        h = self.lin(features, "multi_modal_projector.linear_1")
        if "multi_modal_projector.linear_2.weight" not in self.w:
            return h
        return self.lin(act(self.c.get("projector_hidden_act", "gelu"), h), "multi_modal_projector.linear_2")

    def embed(self, ids, spans, features):
        ids = ids.clone()
        for b, (begin, end) in enumerate(spans.tolist()):
            if begin >= 0:
                ids[b, begin:end] = 0
        e = F.embedding(ids, self.w["language_model.model.embed_tokens.weight"])
        if features is None:
            return e
        projected = self.project(features)
        rows, slot = [], 0
        for b, (begin, end) in enumerate(spans.tolist()):
            if begin < 0:
                rows.append(e[b])
                continue
            rows.append(torch.cat([e[b, :begin], projected[slot], e[b, end:]], 0))
            slot += 1
        return torch.stack(rows)

    def rms(self, x, name):
        eps = self.t.get("rms_norm_eps", 1e-6)
        return self.w[name] * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    def rope(self, length):
        hd = self.t["hidden_size"] // self.t["num_attention_heads"]
        inv = 1.0 / torch.pow(self.t.get("rope_theta", 10000.0), torch.arange(0, hd, 2, dtype=torch.float32) / hd)
        freqs = torch.outer(torch.arange(length, dtype=torch.float32), inv)
        emb = torch.cat([freqs, freqs], -1)
        return emb.cos(), emb.sin()

    @staticmethod
    def apply_rope(x, cos, sin):
        half = x.shape[-1] // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin

    def decoder(self, h, mask, last_layer, qk_only_last=False):
        """Layers 0..last_layer; returns (hidden, [(q, k) per layer])."""
        t = self.t
        heads, kv = t["num_attention_heads"], t["num_key_value_heads"]
        b, l, _ = h.shape
        cos, sin = self.rope(l)
        causal = torch.ones(l, l, dtype=torch.bool).tril()
        allowed = (causal.unsqueeze(0) & mask.unsqueeze(1)).unsqueeze(1)
        captured = []
        for i in range(last_layer + 1):
            p = "language_model.model.layers.%d." % i
            n = self.rms(h, p + "input_layernorm.weight")
            bias = t.get("attention_bias", False)
            q = self.apply_rope(split_heads(self.lin(n, p + "self_attn.q_proj", bias), heads), cos, sin)
            k = self.apply_rope(split_heads(self.lin(n, p + "self_attn.k_proj", bias), kv), cos, sin)
            captured.append((q, k))
            if qk_only_last and i == last_layer:
                break
            v = split_heads(self.lin(n, p + "self_attn.v_proj", bias), kv)
            if heads != kv:
                k = k.repeat_interleave(heads // kv, 1)
                v = v.repeat_interleave(heads // kv, 1)
            scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
            probs = torch.softmax(scores.masked_fill(~allowed, float("-inf")), -1)
            h = h + self.lin(merge_heads(probs @ v), p + "self_attn.o_proj", bias)
            n = self.rms(h, p + "post_attention_layernorm.weight")
            gate = act(t.get("hidden_act", "silu"), self.lin(n, p + "mlp.gate_proj", False))
            h = h + self.lin(gate * self.lin(n, p + "mlp.up_proj", False), p + "mlp.down_proj", False)
        return h, captured

    def loss(self, h, labels, mask):
        h = self.rms(h, "language_model.model.norm.weight")
        head = self.w.get("language_model.lm_head.weight", self.w["language_model.model.embed_tokens.weight"])
        logits = F.linear(h, head)
        labels = labels.masked_fill(~mask, -100)
        target = labels[:, 1:]
        losses = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), target.reshape(-1),
                                 ignore_index=-100, reduction="sum")
        return losses / target.ne(-100).sum().clamp_min(1)


def attention_cross_modal(q, k, begin, end, length):
    """xmas's attention mode (traj/cross_modal.h) for one batch row."""
    heads, kv, d = q.shape[0], k.shape[0], q.shape[2]
    rows = length - end
    if rows <= 0:
        return None
    qr = q[:, end:length].reshape(kv, (heads // kv) * rows, d)
    logits = (qr @ k[:, :length].transpose(1, 2) / math.sqrt(d)).view(heads, rows, length)
    row_pos = torch.arange(end, length).view(rows, 1)
    logits = logits.masked_fill(torch.arange(length).view(1, length) > row_pos, float("-inf"))
    lse = torch.logsumexp(logits, -1, keepdim=True)
    return (logits[:, :, begin:end] - lse).exp().mean(0)


def top_singular(m, k):
    out = np.zeros(k, np.float32)
    if m is None or m.numel() == 0:
        return out
    s = torch.linalg.svdvals(m.double()).numpy()
    n = min(k, s.size)
    out[:n] = s[:n]
    return out


def read_batches(folder):
    with open(os.path.join(folder, "batches.json")) as f:
        meta = json.load(f)
    batches = []
    for i in range(meta["batches"]):
        def get(name):
            return torch.from_numpy(np.load(os.path.join(folder, "b%d_%s.npy" % (i, name))))
        b = {"ids": get("ids"), "labels": get("labels"), "mask": get("mask").bool(), "span": get("span"),
             "rows": get("rows").view(-1).tolist()}
        img = get("img")
        b["images"] = img.reshape(img.shape[0], *meta["image_shape"]) if img.shape[0] else None
        b["tokens"] = int(b["mask"].sum())
        batches.append(b)
    return meta, batches


def train_flops(config, batch, train_vision):
    """Matrix-product FLOPs of one training step on `batch` (padded shapes, as
    computed): the vision tower forward (x3 when trained), connector and
    decoder forward + backward (x3), LM head included; elementwise work not
    counted."""
    v, t = config["vision_config"], config["text_config"]
    dv, iv = v["hidden_size"], v["intermediate_size"]
    patches = (v["image_size"] // v["patch_size"]) ** 2
    layer = config.get("vision_feature_layer", -2)
    layer = v["num_hidden_layers"] + 1 + layer if layer < 0 else layer
    p = patches + 1
    images = 0 if batch["images"] is None else batch["images"].shape[0]
    vision = images * (2 * patches * v["num_channels"] * v["patch_size"] ** 2 * dv +
                       layer * (2 * p * (4 * dv * dv + 2 * dv * iv) + 4 * p * p * dv))
    d, inter = t["hidden_size"], t["intermediate_size"]
    hd = d // t["num_attention_heads"]
    q, kv = t["num_attention_heads"] * hd, t["num_key_value_heads"] * hd
    b, l = batch["ids"].shape
    n = b * l
    per_layer = 2 * n * (2 * d * q + 2 * d * kv + 3 * d * inter) + 4 * b * t["num_attention_heads"] * l * l * hd
    decoder = t["num_hidden_layers"] * per_layer + 2 * n * d * t["vocab_size"]
    connector = images * 2 * patches * (dv * d + d * d)
    return vision * (3 if train_vision else 1) + 3 * (connector + decoder)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_traj(args, batches):
    steps = sorted(int(n.split("-")[1]) for n in os.listdir(args.run) if n.startswith("checkpoint-"))
    if args.checkpoints:
        steps = [s for s in steps if s in set(int(x) for x in args.checkpoints.split(","))]
    os.makedirs(os.path.join(args.out, "svd"), exist_ok=True)
    cached, cached_vision, timings = None, None, []
    examples = sum(b["ids"].shape[0] for b in batches)
    first_row = min(min(b["rows"]) for b in batches)
    for step in steps:
        start = time.perf_counter()
        config, weights = load_model_dir(os.path.join(args.run, "checkpoint-%d" % step))
        model = Model(config, weights)
        depth = config["text_config"]["num_hidden_layers"]
        vision = {n: t for n, t in weights.items() if n.startswith("vision_tower.")}
        same = cached_vision is not None and all(torch.equal(t, cached_vision[n]) for n, t in vision.items())
        if not same:
            cached, cached_vision = [], vision
        values = np.zeros((examples, args.k), np.float32)  # in row order (batches may be length-sorted)
        with torch.no_grad():
            for i, b in enumerate(batches):
                if not same:
                    cached.append(model.vision(b["images"]) if b["images"] is not None else None)
                h = model.embed(b["ids"], b["span"], cached[i])
                _, qk = model.decoder(h, b["mask"], depth - 1, qk_only_last=args.lean)
                lengths = b["mask"].sum(1).tolist()
                for r, (begin, end) in enumerate(b["span"].tolist()):
                    m = None
                    if begin >= 0 and lengths[r] > end:
                        for q, k in qk:
                            part = attention_cross_modal(q[r], k[r], begin, end, lengths[r])
                            m = part if m is None else m + part
                    values[b["rows"][r] - first_row] = top_singular(m, args.k)
        np.save(os.path.join(args.out, "svd", "checkpoint-%d.npy" % step), values)
        seconds = time.perf_counter() - start
        timings.append(seconds)
        print(json.dumps({"checkpoint": step, "examples": examples, "seconds": seconds,
                          "examples_per_s": examples / seconds}), flush=True)
    later = timings[1:] or timings
    return {"examples_per_s_after_first": examples * len(later) / sum(later)}


def run_train(args, batches):
    config, weights = load_model_dir(args.init)
    params = []
    for name, t in weights.items():
        trainable = not name.startswith("vision_tower.") or args.train_vision
        t.requires_grad_(trainable)
        if trainable:
            params.append(t)
    model = Model(config, weights)
    total = args.total_steps or len(batches)
    warmup = math.ceil(args.warmup_ratio * total)
    opt = torch.optim.AdamW(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    for p in params:  # as xmas: every trainable tensor has a (zero) gradient from the start
        p.grad = torch.zeros_like(p)
    depth = config["text_config"]["num_hidden_layers"]
    tokens, seconds, flops = 0, 0.0, 0.0
    cpu_start = time.process_time()
    for step, b in enumerate(batches):
        start = time.perf_counter()
        factor = step / max(1, warmup) if step < warmup else \
            max(0.0, 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup)))))
        for g in opt.param_groups:
            g["lr"] = args.lr * factor
        opt.zero_grad(set_to_none=False)
        features = None
        if b["images"] is not None:
            if args.train_vision:
                features = model.vision(b["images"])
            else:
                with torch.no_grad():
                    features = model.vision(b["images"])
        h, _ = model.decoder(model.embed(b["ids"], b["span"], features), b["mask"], depth - 1)
        loss = model.loss(h, b["labels"], b["mask"])
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, args.max_grad_norm)
        opt.step()
        dt = time.perf_counter() - start
        seconds += dt
        tokens += b["tokens"]
        flops += train_flops(config, b, args.train_vision)
        print(json.dumps({"step": step + 1, "loss": loss.item(), "grad_norm": float(norm),
                          "lr": args.lr * factor, "tokens": b["tokens"], "seconds": dt}), flush=True)
    cpu = time.process_time() - cpu_start
    return {"tokens_per_s": tokens / seconds, "gflop": flops / 1e9, "gflop_per_s": flops / seconds / 1e9,
            "gflop_per_cpu_s": flops / cpu / 1e9, "tokens": tokens}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["traj", "train"])
    ap.add_argument("--batches", required=True, help="folder written by bench_dump_batches")
    ap.add_argument("--run", help="traj: RUN folder with checkpoint-<step>/")
    ap.add_argument("--checkpoints", default="", help="traj: comma list of steps (default all)")
    ap.add_argument("--out", help="traj: output folder (svd/checkpoint-<step>.npy)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--lean", action="store_true",
                    help="traj: stop the last hooked layer after q/k (as xmas does since issue 19)")
    ap.add_argument("--init", help="train: model folder to start from")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup-ratio", type=float, default=0.03)
    ap.add_argument("--max-grad-norm", type=float, default=1.0)
    ap.add_argument("--total-steps", type=int, default=0, help="train: schedule length (default: the batches)")
    ap.add_argument("--train-vision", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    _, batches = read_batches(args.batches)
    start = time.perf_counter(), time.process_time()
    summary = run_traj(args, batches) if args.mode == "traj" else run_train(args, batches)
    summary.update({"wall_s": time.perf_counter() - start[0], "cpu_s": time.process_time() - start[1],
                    "peak_rss_mib": peak_rss_mib(), "threads": args.threads})
    print(json.dumps({"summary": summary}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
