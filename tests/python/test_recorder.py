"""xmas.torch.TrajectoryRecorder on small HF-LLaMA-layout models built here:
its values are those of the attention probabilities the model computes."""
import math
import tempfile
import types
import unittest

import numpy as np
import torch
from torch import nn

import xmas
from xmas.torch import TrajectoryRecorder, find_attention_layers

xmas.set_log_level("warn")
IMAGE = 7  # image token id


class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)


def rotate(x, theta):
    d, length = x.shape[-1], x.shape[-2]
    inv = 1.0 / theta ** (torch.arange(0, d, 2).float() / d)
    ang = torch.outer(torch.arange(length).float(), inv).repeat(1, 2)
    return x * ang.cos() + torch.cat([-x[..., d // 2:], x[..., : d // 2]], -1) * ang.sin()


class Attention(nn.Module):
    """HF LlamaAttention's computation, written out; keeps its probabilities."""

    def __init__(self, d, heads, kv_heads, theta):
        super().__init__()
        self.heads, self.kv_heads, self.hd, self.theta = heads, kv_heads, d // heads, theta
        self.q_proj = nn.Linear(d, heads * self.hd, bias=False)
        self.k_proj = nn.Linear(d, kv_heads * self.hd, bias=False)
        self.v_proj = nn.Linear(d, kv_heads * self.hd, bias=False)
        self.o_proj = nn.Linear(heads * self.hd, d, bias=False)

    def forward(self, x, mask):
        b, l, _ = x.shape
        q = rotate(self.q_proj(x).view(b, l, self.heads, self.hd).transpose(1, 2), self.theta)
        k = rotate(self.k_proj(x).view(b, l, self.kv_heads, self.hd).transpose(1, 2), self.theta)
        v = self.v_proj(x).view(b, l, self.kv_heads, self.hd).transpose(1, 2)
        rep = self.heads // self.kv_heads
        k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        logits = q @ k.transpose(-1, -2) / math.sqrt(self.hd)
        causal = torch.ones(l, l, dtype=torch.bool).triu(1)
        blocked = causal[None, None] | ~mask[:, None, None, :].bool()
        self.probs = torch.softmax(logits.masked_fill(blocked, -math.inf), -1)
        return self.o_proj((self.probs @ v).transpose(1, 2).reshape(b, l, -1))


class Layer(nn.Module):
    def __init__(self, d, heads, kv_heads, theta):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = RMSNorm(d), RMSNorm(d)
        self.self_attn = Attention(d, heads, kv_heads, theta)
        self.mlp = nn.ModuleDict({"gate_proj": nn.Linear(d, 2 * d, bias=False), "up_proj": nn.Linear(d, 2 * d, bias=False),
                                  "down_proj": nn.Linear(2 * d, d, bias=False)})

    def forward(self, x, mask):
        x = x + self.self_attn(self.input_layernorm(x), mask)
        h = self.post_attention_layernorm(x)
        return x + self.mlp["down_proj"](nn.functional.silu(self.mlp["gate_proj"](h)) * self.mlp["up_proj"](h))


class Decoder(nn.Module):
    def __init__(self, vocab, d, n, heads, kv_heads, theta):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList([Layer(d, heads, kv_heads, theta) for _ in range(n)])
        self.norm = RMSNorm(d)

    def forward(self, input_ids, attention_mask):
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            x = layer(x, attention_mask)
        return self.norm(x)


class LlamaForCausalLM(nn.Module):
    """The older layout: model.layers.N.self_attn.{q,k}_proj."""

    def __init__(self, vocab=50, d=32, n=3, heads=4, kv_heads=2, theta=10000.0):
        super().__init__()
        self.config = types.SimpleNamespace(num_attention_heads=heads, num_key_value_heads=kv_heads, rope_theta=theta)
        self.model = Decoder(vocab, d, n, heads, kv_heads, theta)
        self.lm_head = nn.Linear(d, vocab, bias=False)

    def forward(self, input_ids, attention_mask):
        return self.lm_head(self.model(input_ids, attention_mask))

    def attention_layers(self):
        return [l.self_attn for l in self.model.layers]


class LlavaForConditionalGeneration(nn.Module):
    """The newer layout: model.language_model.layers.N, beside a CLIP-like
    vision tower whose encoder layers also have self_attn.q_proj/k_proj."""

    def __init__(self):
        super().__init__()
        text = types.SimpleNamespace(num_attention_heads=2, num_key_value_heads=2, rope_theta=500.0)
        self.config = types.SimpleNamespace(text_config=text)
        self.model = nn.Module()
        self.model.language_model = Decoder(40, 16, 2, 2, 2, 500.0)
        self.model.vision_tower = nn.Module()
        self.model.vision_tower.encoder = nn.Module()
        self.model.vision_tower.encoder.layers = nn.ModuleList([Layer(16, 2, 2, 1e4) for _ in range(2)])

    def forward(self, input_ids, attention_mask):
        return self.model.language_model(input_ids, attention_mask)

    def attention_layers(self):
        return [l.self_attn for l in self.model.language_model.layers]


def batch(rows):
    """Right-padded input_ids / attention_mask from token lists."""
    length = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), length, dtype=torch.long)
    mask = torch.zeros(len(rows), length, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = 1
    return ids, mask


def reference(model, b, span, top_k=5):
    """Top-k singular values of Σ_layers mean_heads P[text rows, image columns] from the model's own probabilities."""
    begin, end, length = span
    m = sum(a.probs[b, :, end:length, begin:end].mean(0) for a in model.attention_layers())
    s = torch.linalg.svdvals(m.double())[:top_k]
    return torch.cat([s, torch.zeros(top_k - len(s), dtype=torch.float64)]).numpy()


EXAMPLES = [  # token lists: 1 = BOS, IMAGE runs, text after
    [1, 3, IMAGE, IMAGE, IMAGE, IMAGE, 4, 5, 6, 8, 9, 10],
    [1, IMAGE, IMAGE, IMAGE, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
    [1, 22, 23, 24, 25],                      # text-only
    [1, 2, IMAGE, IMAGE, IMAGE, IMAGE, IMAGE, 26, 27],
    [1, IMAGE, IMAGE],                        # no text after the image: no value
]


class RecorderTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)

    def test_finds_both_layouts(self):
        old, new = LlamaForCausalLM(), LlavaForConditionalGeneration()
        self.assertEqual([t[0] for t in find_attention_layers(old)], [0, 1, 2])
        layers = find_attention_layers(new)
        self.assertEqual(len(layers), 2)
        self.assertIs(layers[1][1], new.model.language_model.layers[1].self_attn.q_proj)
        self.assertRaises(ValueError, find_attention_layers, nn.Linear(2, 2))

    def test_values_are_the_models_attention(self):
        for model in (LlamaForCausalLM(), LlavaForConditionalGeneration()):
            with self.subTest(model=type(model).__name__):
                rec = TrajectoryRecorder(model, num_examples=len(EXAMPLES), image_token_id=IMAGE)
                ids, mask = batch(EXAMPLES)
                with rec.checkpoint(100), torch.no_grad():
                    with rec.capture(range(len(EXAMPLES)), ids, mask):
                        model(ids, mask)
                spans = rec.spans(ids, mask)
                self.assertEqual(spans[0], (2, 6, 12))
                self.assertEqual(spans[2], (-1, -1, 5))
                for b in (0, 1, 3):
                    np.testing.assert_allclose(rec.values[100][b], reference(model, b, spans[b]), rtol=1e-4, atol=1e-6)
                self.assertEqual(rec.valid[100].tolist(), [True, True, False, True, False])
                self.assertTrue((rec.values[100][[2, 4]] == 0).all())

    def test_padding_and_batching_do_not_change_values(self):
        model = LlamaForCausalLM()
        rec = TrajectoryRecorder(model, num_examples=len(EXAMPLES), image_token_id=IMAGE, layers=[0, 2])
        with torch.no_grad():
            with rec.checkpoint(1):
                ids, mask = batch(EXAMPLES)
                with rec.capture(range(len(EXAMPLES)), ids, mask):
                    model(ids, mask)
            with rec.checkpoint(2):
                for i, ex in enumerate(EXAMPLES):
                    ids, mask = batch([ex])
                    with rec.capture([i], ids, mask):
                        model(ids, mask)
        np.testing.assert_allclose(rec.values[1], rec.values[2], rtol=1e-5, atol=1e-7)

    def test_official_mode_uses_the_raw_projections(self):
        model = LlamaForCausalLM()
        rec = TrajectoryRecorder(model, num_examples=2, image_token_id=IMAGE, mode="official")
        raw = {}
        hooks = [a.q_proj.register_forward_hook(lambda m, i, o, n=n: raw.__setitem__(("q", n), o))
                 for n, a in enumerate(model.attention_layers())]
        hooks += [a.k_proj.register_forward_hook(lambda m, i, o, n=n: raw.__setitem__(("k", n), o))
                  for n, a in enumerate(model.attention_layers())]
        ids, mask = batch(EXAMPLES[:2])
        with rec.checkpoint(5), torch.no_grad(), rec.capture([0, 1], ids, mask):
            model(ids, mask)
        for h in hooks:
            h.remove()
        q = torch.stack([raw[("q", n)][0] for n in range(3)])
        k = torch.stack([raw[("k", n)][0] for n in range(3)])
        expected = xmas.cross_modal_singular_values(q, k, (6, ids.shape[1]), (2, 6), mode="official",
                                                    num_heads=4, num_kv_heads=2)
        np.testing.assert_allclose(rec.values[5][0], expected.astype(np.float32))

    def test_writes_a_store_that_select_reads(self):
        model = LlamaForCausalLM()
        n = 40
        rng = np.random.default_rng(0)
        examples = []
        for i in range(n):
            if i % 8 == 0:
                examples.append([1] + rng.integers(10, 50, 6).tolist())
            else:
                examples.append([1] + [IMAGE] * int(rng.integers(2, 6)) + rng.integers(10, 50, int(rng.integers(2, 9))).tolist())
        rec = TrajectoryRecorder(model, num_examples=n, image_token_id=IMAGE)
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        for step in (10, 20, 30):
            ids, mask = batch(examples)
            loss = model(ids, mask).logsumexp(-1).mean()  # any training step
            opt.zero_grad()
            loss.backward()
            opt.step()
            with rec.checkpoint(step), torch.no_grad():
                for start in range(0, n, 16):
                    rows = list(range(start, min(n, start + 16)))
                    ids, mask = batch([examples[r] for r in rows])
                    with rec.capture(rows, ids, mask):
                        model(ids, mask)
        self.assertFalse(np.allclose(rec.values[10], rec.values[30]))  # the weights moved
        with tempfile.TemporaryDirectory() as tmp:
            store = rec.write(tmp + "/traj", ids=[f"ex{i}" for i in range(n)])
            self.assertEqual(store.steps("svd"), [10, 20, 30])
            np.testing.assert_array_equal(store.valid, [i % 8 != 0 for i in range(n)])
            np.testing.assert_array_equal(store.trajectories("svd")[:, 1], rec.values[20])
            self.assertEqual(store.settings["mode"], "attention")
            r = xmas.select(store.trajectories("svd"), 10, ids=store.ids, text_only=~store.valid, clusters=3)
            self.assertEqual(len(r.indices), 10)

    def test_errors(self):
        model = LlamaForCausalLM()
        rec = TrajectoryRecorder(model, num_examples=2, image_token_id=IMAGE)
        ids, mask = batch([[1, IMAGE, 3, IMAGE, 4]])
        with self.assertRaises(RuntimeError):
            with rec.capture([0], ids, mask):
                pass
        with self.assertRaisesRegex(ValueError, "contiguous"):
            with rec.checkpoint(1), rec.capture([0], ids, mask):
                model(ids, mask)
        good_ids, good_mask = batch([EXAMPLES[0]])
        with rec.checkpoint(1), rec.capture([0], good_ids, good_mask):  # row 1 left out
            model(good_ids, good_mask)
        with self.assertRaisesRegex(ValueError, "never captured"):
            rec.write("/nonexistent/x", ids=["a", "b"])
        with self.assertRaisesRegex(ValueError, "layers"):
            TrajectoryRecorder(model, num_examples=1, layers=[5])


if __name__ == "__main__":
    unittest.main()
