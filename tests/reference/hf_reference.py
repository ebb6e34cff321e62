"""An independent plain-PyTorch reference of the LLaVA models xmas runs.

Written from the Hugging Face modelling semantics of transformers v4.46
(src/transformers/models/): llava/modeling_llava.py (feature layer and
select strategy, image features in place of the image tokens, shifted
cross-entropy), clip/modeling_clip.py (CLIPVisionTransformer: class token,
learned positions, pre_layrnorm, pre-norm encoder, quick_gelu),
siglip/modeling_siglip.py (SiglipVisionTransformer: no class token, patch
bias, no pre-LayerNorm, gelu-tanh; TinyLLaVA Factory's vision_tower/base.py
for the "patch" / "cls_patch" strategies),
llama/modeling_llama.py, qwen2/modeling_qwen2.py, stablelm/modeling_stablelm.py
and phi/modeling_phi.py (norms, biases, rotate_half RoPE on the first
int(partial_rotary_factor * head_dim) features, serial or parallel block,
tied or biased LM head). Nothing here is shared with xmas's C++ code; it
reads the same HF config.json and tensor names a real checkpoint has.

Only float32, eager attention, right padding (position ids 0..L-1).
"""
import json
import math
import struct

import torch
import torch.nn.functional as F

# ---------------------------------------------------------------- safetensors

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}
_NAMES = {v: k for k, v in _DTYPES.items()}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        dtype = _DTYPES[e["dtype"]]
        raw = bytearray(data[b:end])
        t = torch.frombuffer(raw, dtype=dtype) if end > b else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(e["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


# ---------------------------------------------------------------- activations

def activation(name):
    return {
        "silu": F.silu,
        "gelu": lambda x: F.gelu(x),
        "gelu_new": lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3)))),
        "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
        "relu": F.relu,
    }[name]


# ---------------------------------------------------------------- vision

def vision_hidden_states(p, vc, pixels):
    """hidden_states of CLIPVisionTransformer ([0] = pre_layrnorm(embeddings), [i] = layer i) or of
    SiglipVisionTransformer ([0] = embeddings: no class token, patch bias, no pre-LayerNorm)."""
    pre = "vision_tower.vision_model."
    siglip = vc.get("model_type") == "siglip_vision_model"
    d, heads = vc["hidden_size"], vc["num_attention_heads"]
    eps = vc.get("layer_norm_eps", 1e-6 if siglip else 1e-5)
    act = activation(vc.get("hidden_act", "gelu_pytorch_tanh" if siglip else "quick_gelu"))
    x = F.conv2d(pixels, p[pre + "embeddings.patch_embedding.weight"], p.get(pre + "embeddings.patch_embedding.bias"),
                 stride=vc["patch_size"])  # "valid": a remainder of the image is cut off
    x = x.flatten(2).transpose(1, 2)
    if not siglip:
        x = torch.cat([p[pre + "embeddings.class_embedding"].expand(x.shape[0], 1, d), x], 1)
    x = x + p[pre + "embeddings.position_embedding.weight"][None]
    if not siglip:
        x = F.layer_norm(x, (d,), p[pre + "pre_layrnorm.weight"], p[pre + "pre_layrnorm.bias"], eps)
    states = [x]
    for i in range(vc["num_hidden_layers"]):
        l = pre + f"encoder.layers.{i}."
        lin = lambda name, h: F.linear(h, p[l + name + ".weight"], p[l + name + ".bias"])
        h = F.layer_norm(x, (d,), p[l + "layer_norm1.weight"], p[l + "layer_norm1.bias"], eps)
        b, n, _ = h.shape
        split = lambda t: t.view(b, n, heads, d // heads).transpose(1, 2)
        q = split(lin("self_attn.q_proj", h)) * (d // heads) ** -0.5
        k, v = split(lin("self_attn.k_proj", h)), split(lin("self_attn.v_proj", h))
        a = torch.softmax(q @ k.transpose(-1, -2), -1) @ v
        x = x + lin("self_attn.out_proj", a.transpose(1, 2).reshape(b, n, d))
        h = F.layer_norm(x, (d,), p[l + "layer_norm2.weight"], p[l + "layer_norm2.bias"], eps)
        x = x + lin("mlp.fc2", act(lin("mlp.fc1", h)))
        states.append(x)
    return states


def image_features(p, cfg, pixels):
    """LlavaForConditionalGeneration.get_image_features + the projector."""
    vc = cfg["vision_config"]
    states = vision_hidden_states(p, vc, pixels)
    feats = states[cfg.get("vision_feature_layer", -2)]
    # HF "default" and TinyLLaVA's "patch" drop the first token (with SigLIP: the first patch);
    # "full" / "cls_patch" keep all.
    if cfg.get("vision_feature_select_strategy", "default") in ("default", "patch"):
        feats = feats[:, 1:]
    lin = lambda name, h: F.linear(h, p[f"multi_modal_projector.{name}.weight"], p[f"multi_modal_projector.{name}.bias"])
    return lin("linear_2", activation(cfg.get("projector_hidden_act", "gelu"))(lin("linear_1", feats)))


# ---------------------------------------------------------------- decoder

def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat([-x2, x1], -1)


def rope(x, rotary_dim, theta):
    """RoPE on the first rotary_dim features of each head (the rest pass), positions 0..L-1."""
    length = x.shape[2]
    inv_freq = 1.0 / (theta ** (torch.arange(0, rotary_dim, 2, dtype=torch.float32) / rotary_dim))
    freqs = torch.outer(torch.arange(length, dtype=torch.float32), inv_freq)
    emb = torch.cat([freqs, freqs], -1)
    rot, rest = x[..., :rotary_dim], x[..., rotary_dim:]
    return torch.cat([rot * emb.cos() + rotate_half(rot) * emb.sin(), rest], -1)


class Family:
    """What a text_config.model_type means, from its HF modelling file."""

    def __init__(self, tc):
        kind = tc.get("model_type", "llama")
        self.kind = kind
        self.layer_norm = kind in ("stablelm", "phi")
        self.eps = tc.get("layer_norm_eps", 1e-5) if self.layer_norm else tc.get("rms_norm_eps", 1e-6)
        self.qkv_bias = {"llama": tc.get("attention_bias", False), "mistral": False, "qwen2": True,
                         "stablelm": tc.get("use_qkv_bias", False), "phi": True}[kind]
        self.o_bias = {"llama": tc.get("attention_bias", False), "phi": True}.get(kind, False)
        self.o_name = "dense" if kind == "phi" else "o_proj"
        self.parallel = kind == "phi"
        self.gated = kind != "phi"
        self.mlp_bias = kind == "phi" or (kind == "llama" and tc.get("mlp_bias", False))
        self.final_norm = "final_layernorm" if kind == "phi" else "norm"
        factor = tc.get("partial_rotary_factor", {"stablelm": 0.25, "phi": 0.5}.get(kind, 1.0))
        self.head_dim = tc["hidden_size"] // tc["num_attention_heads"]
        self.rotary_dim = int(factor * self.head_dim)
        self.act = activation(tc.get("hidden_act", "gelu_new" if kind == "phi" else "silu"))


def norm(fam, p, name, x):
    if fam.layer_norm:
        return F.layer_norm(x, (x.shape[-1],), p[name + ".weight"], p[name + ".bias"], fam.eps)
    return p[name + ".weight"] * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + fam.eps))


def linear(p, name, x, bias):
    return F.linear(x, p[name + ".weight"], p[name + ".bias"] if bias else None)


def attention(fam, tc, p, l, x, allowed, capture):
    b, n, _ = x.shape
    heads = tc["num_attention_heads"]
    kv = tc.get("num_key_value_heads") or heads
    q_lin = linear(p, l + "self_attn.q_proj", x, fam.qkv_bias)
    k_lin = linear(p, l + "self_attn.k_proj", x, fam.qkv_bias)
    v = linear(p, l + "self_attn.v_proj", x, fam.qkv_bias).view(b, n, kv, -1).transpose(1, 2)
    theta = tc.get("rope_theta", 10000.0)
    q = rope(q_lin.view(b, n, heads, -1).transpose(1, 2), fam.rotary_dim, theta)
    k = rope(k_lin.view(b, n, kv, -1).transpose(1, 2), fam.rotary_dim, theta)
    if capture is not None:
        capture.update(q_proj=q_lin, k_proj=k_lin, q=q, k=k)
    k, v = k.repeat_interleave(heads // kv, 1), v.repeat_interleave(heads // kv, 1)  # HF repeat_kv
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(fam.head_dim)
    scores = scores.masked_fill(~allowed, float("-inf"))
    out = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, n, -1)
    return linear(p, l + "self_attn." + fam.o_name, out, fam.o_bias)


def mlp(fam, p, l, x):
    if fam.gated:
        gate = linear(p, l + "mlp.gate_proj", x, fam.mlp_bias)
        return linear(p, l + "mlp.down_proj", fam.act(gate) * linear(p, l + "mlp.up_proj", x, fam.mlp_bias), fam.mlp_bias)
    return linear(p, l + "mlp.fc2", fam.act(linear(p, l + "mlp.fc1", x, True)), True)


def decoder(p, tc, embeds, attention_mask, capture_layer):
    fam = Family(tc)
    n = embeds.shape[1]
    causal = torch.ones(n, n, dtype=torch.bool).tril()
    allowed = causal[None, None] & attention_mask.bool()[:, None, None, :]
    capture = {}
    x = embeds
    for i in range(tc["num_hidden_layers"]):
        l = f"language_model.model.layers.{i}."
        cap = capture if i == capture_layer else None
        if fam.parallel:
            h = norm(fam, p, l + "input_layernorm", x)
            x = x + attention(fam, tc, p, l, h, allowed, cap) + mlp(fam, p, l, h)
        else:
            x = x + attention(fam, tc, p, l, norm(fam, p, l + "input_layernorm", x), allowed, cap)
            x = x + mlp(fam, p, l, norm(fam, p, l + "post_attention_layernorm", x))
    x = norm(fam, p, "language_model.model." + fam.final_norm, x)
    if "language_model.lm_head.weight" in p:
        logits = F.linear(x, p["language_model.lm_head.weight"], p.get("language_model.lm_head.bias"))
    else:  # tie_word_embeddings
        logits = F.linear(x, p["language_model.model.embed_tokens.weight"])
    return logits, capture


def llava_forward(p, cfg, inputs, capture_layer):
    """Logits, mean loss, per-token loss and one layer's q/k, as LlavaForConditionalGeneration."""
    ids, mask, labels = inputs["input_ids"], inputs["attention_mask"], inputs["labels"]
    n_image = 0
    embeds = F.embedding(ids, p["language_model.model.embed_tokens.weight"]).clone()
    if "images" in inputs:
        feats = image_features(p, cfg, inputs["images"])
        n_image = feats.shape[1]
        slot = 0
        for b, begin in enumerate(inputs["image_begin"].tolist()):
            if begin >= 0:
                embeds[b, begin:begin + n_image] = feats[slot]
                slot += 1
    logits, capture = decoder(p, cfg["text_config"], embeds, mask, capture_layer)
    shift_logits, shift_labels = logits[:, :-1], labels[:, 1:]
    token = F.cross_entropy(shift_logits.reshape(-1, shift_logits.shape[-1]), shift_labels.reshape(-1),
                            ignore_index=-100, reduction="none").view(shift_labels.shape)
    loss = token.sum() / (shift_labels != -100).sum()
    token_loss = torch.cat([torch.zeros(labels.shape[0], 1), token], 1)
    return dict(logits=logits, loss=loss.reshape(1), token_loss=token_loss, **capture)
