#!/usr/bin/python3
"""A synthetic `tiny`-shaped model folder (random weights, two checkpoints
differing outside the vision tower) and random batches in the layout
bench_model_loop writes, so that bench/ref_model.py runs without an xmas
build (used for the allocator and thread measurements in BENCHMARKS.md).

  bench/ref_synthetic.py OUT [--batches 25] [--batch-size 8] [--min-len 40] [--max-len 400]

OUT/run/checkpoint-{1,2}/ (config.json, model.safetensors), OUT/batches/.
Deterministic (seeds 0).
"""
import argparse
import json
import os
import struct

import numpy as np
import torch

VISION = dict(hidden_size=64, intermediate_size=256, num_hidden_layers=3, num_attention_heads=4, num_channels=3,
              image_size=32, patch_size=8, layer_norm_eps=1e-5, hidden_act="quick_gelu")
TEXT = dict(vocab_size=1024, hidden_size=128, intermediate_size=352, num_hidden_layers=4, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=512, rms_norm_eps=1e-5, rope_theta=10000.0,
            attention_bias=False, tie_word_embeddings=False, hidden_act="silu")
CONFIG = dict(vision_config=VISION, text_config=TEXT, mm_projector_type="mlp2x_gelu", projector_hidden_act="gelu",
              vision_feature_layer=-2, vision_feature_select_strategy="default")


def weights():
    w, dv, d = {}, VISION["hidden_size"], TEXT["hidden_size"]
    iv, i, v = VISION["intermediate_size"], TEXT["intermediate_size"], TEXT["vocab_size"]
    kv = TEXT["num_key_value_heads"] * d // TEXT["num_attention_heads"]
    rnd = lambda *shape: torch.randn(*shape) * 0.02
    p = "vision_tower.vision_model."
    patches = (VISION["image_size"] // VISION["patch_size"]) ** 2
    w[p + "embeddings.patch_embedding.weight"] = rnd(dv, 3, VISION["patch_size"], VISION["patch_size"])
    w[p + "embeddings.class_embedding"] = rnd(dv)
    w[p + "embeddings.position_embedding.weight"] = rnd(patches + 1, dv)
    for n in ("pre_layrnorm", "post_layernorm"):
        w[p + n + ".weight"], w[p + n + ".bias"] = torch.ones(dv), torch.zeros(dv)
    for layer in range(VISION["num_hidden_layers"]):
        q = p + "encoder.layers.%d." % layer
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            w[q + "self_attn." + n + ".weight"], w[q + "self_attn." + n + ".bias"] = rnd(dv, dv), torch.zeros(dv)
        for n in ("layer_norm1", "layer_norm2"):
            w[q + n + ".weight"], w[q + n + ".bias"] = torch.ones(dv), torch.zeros(dv)
        w[q + "mlp.fc1.weight"], w[q + "mlp.fc1.bias"] = rnd(iv, dv), torch.zeros(iv)
        w[q + "mlp.fc2.weight"], w[q + "mlp.fc2.bias"] = rnd(dv, iv), torch.zeros(dv)
    w["multi_modal_projector.linear_1.weight"], w["multi_modal_projector.linear_1.bias"] = rnd(d, dv), torch.zeros(d)
    w["multi_modal_projector.linear_2.weight"], w["multi_modal_projector.linear_2.bias"] = rnd(d, d), torch.zeros(d)
    w["language_model.model.embed_tokens.weight"] = rnd(v, d)
    w["language_model.model.norm.weight"] = torch.ones(d)
    w["language_model.lm_head.weight"] = rnd(v, d)
    for layer in range(TEXT["num_hidden_layers"]):
        q = "language_model.model.layers.%d." % layer
        for n, shape in (("self_attn.q_proj", (d, d)), ("self_attn.k_proj", (kv, d)), ("self_attn.v_proj", (kv, d)),
                         ("self_attn.o_proj", (d, d)), ("mlp.gate_proj", (i, d)), ("mlp.up_proj", (i, d)),
                         ("mlp.down_proj", (d, i))):
            w[q + n + ".weight"] = rnd(*shape)
        w[q + "input_layernorm.weight"] = torch.ones(d)
        w[q + "post_attention_layernorm.weight"] = torch.ones(d)
    return w


def save_safetensors(w, path):
    header, blobs, offset = {}, [], 0
    for name in sorted(w):
        data = w[name].numpy().astype(np.float32).tobytes()
        header[name] = dict(dtype="F32", shape=list(w[name].shape), data_offsets=[offset, offset + len(data)])
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--batches", type=int, default=25)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--min-len", type=int, default=40)
    ap.add_argument("--max-len", type=int, default=400)
    args = ap.parse_args()
    torch.manual_seed(0)
    w = weights()
    for step in (1, 2):
        folder = os.path.join(args.out, "run", "checkpoint-%d" % step)
        os.makedirs(folder, exist_ok=True)
        json.dump(CONFIG, open(os.path.join(folder, "config.json"), "w"), indent=2)
        save_safetensors(w, os.path.join(folder, "model.safetensors"))
        w = {n: t if n.startswith("vision_tower.") else t + 0.01 * torch.randn_like(t) for n, t in w.items()}
    rng = np.random.default_rng(0)
    folder = os.path.join(args.out, "batches")
    os.makedirs(folder, exist_ok=True)
    image_tokens = (VISION["image_size"] // VISION["patch_size"]) ** 2
    row = 0
    for k in range(args.batches):
        b = args.batch_size
        lengths = rng.integers(args.min_len, args.max_len, b)
        length = int(lengths.max())
        ids = rng.integers(3, TEXT["vocab_size"], (b, length))
        mask = (np.arange(length)[None, :] < lengths[:, None]).astype(np.int64)
        span = np.tile(np.array([[2, 2 + image_tokens]]), (b, 1))
        labels = ids.copy()
        labels[:, :2 + image_tokens + 4] = -100
        arrays = dict(ids=ids, labels=labels, mask=mask, span=span, rows=np.arange(row, row + b).reshape(-1, 1),
                      img=rng.standard_normal((b, 3 * VISION["image_size"] ** 2)).astype(np.float32))
        for name, a in arrays.items():
            np.save(os.path.join(folder, "b%d_%s.npy" % (k, name)), a)
        row += b
    json.dump(dict(batches=args.batches, image_shape=[3, VISION["image_size"], VISION["image_size"]]),
              open(os.path.join(folder, "batches.json"), "w"))


if __name__ == "__main__":
    main()
