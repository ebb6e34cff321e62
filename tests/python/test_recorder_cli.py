"""xmas.torch.TrajectoryRecorder against `xmas trajectories` on the same weights.

The CLI writes a tiny LLaVA model (`xmas model init`, HF llava safetensors) as
two checkpoints of a run and records their trajectories into a store. The
Python side loads the same safetensors into a plain-PyTorch LLaVA written
from the HF modelling files (tests/reference/hf_reference.py), whose decoder
q_proj/k_proj are torch modules the recorder hooks, feeds it the token ids
`xmas tokenizer encode` shows for each record and the pixels of the record's
BMP (already at the tower's side: no resize, CLIP normalisation), and records
each checkpoint. Both must agree to 1e-4 relative (issue #20).
"""
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

import numpy as np
import torch
from torch import nn

from common import DATA, run_cli

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import hf_reference as ref  # noqa: E402
from bmp import write_bmp  # noqa: E402

import xmas  # noqa: E402
from xmas.torch import TrajectoryRecorder  # noqa: E402

xmas.set_log_level("warn")
TOKENIZER = os.path.join(DATA, "text", "tiny.model")
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
RECORDS = [  # (image seed or None, question, answer)
    (1, "What is in the picture?", "A red square on a grey field."),
    (2, "Describe the image briefly.", "Two shapes, one blue and one green, side by side."),
    (None, "What is two plus three?", "Five."),
    (3, "How many shapes are there?", "Three."),
    (4, "What colour is the background of this image and why does it matter?", "It is dark, so the shapes stand out."),
]


def encoded_ids(data, index, template, image_tokens):
    """input_ids and the image block [begin, end) of record `index`, as `xmas tokenizer encode` shows them."""
    out = run_cli("tokenizer", "encode", "-m", TOKENIZER, "--data", data, "--index", index, "--template", template,
                  "--image-tokens", image_tokens).stdout
    ids, image = {}, []
    for line in out.splitlines()[1:]:
        cells = line.split("\t")
        if not cells[0].isdigit():
            continue  # "...  (N more image tokens)"
        ids[int(cells[0])] = int(cells[1])
        if cells[4] == "image":  # the image token's id may lie outside the embedding; the features replace it
            ids[int(cells[0])] = 0
            image.append(int(cells[0]))
    length = max(ids) + 1
    begin, end = (min(image), max(image) + 1) if image else (-1, -1)
    return torch.tensor([ids.get(p, 0) for p in range(length)]), begin, end


class ReferenceLlava(nn.Module):
    """hf_reference's LLaVA forward with the decoder's q_proj/k_proj as modules
    (HF names: model.language_model.layers.N.self_attn.{q,k}_proj), so forward
    hooks see what HF's modules would output."""

    def __init__(self, params, config):
        super().__init__()
        self.p, self.cfg = params, config
        tc = config["text_config"]
        bias = ref.Family(tc).qkv_bias
        self.config = type("Config", (), dict(num_attention_heads=tc["num_attention_heads"],
                                               num_key_value_heads=tc.get("num_key_value_heads"),
                                               rope_theta=tc.get("rope_theta", 10000.0)))()
        self.model = nn.Module()
        self.model.language_model = nn.Module()
        self.model.language_model.layers = nn.ModuleList()
        for i in range(tc["num_hidden_layers"]):
            layer = nn.Module()
            layer.self_attn = nn.Module()
            for name in ("q_proj", "k_proj"):
                w = params[f"language_model.model.layers.{i}.self_attn.{name}.weight"]
                lin = nn.Linear(w.shape[1], w.shape[0], bias=bias)
                lin.weight.data.copy_(w)
                if bias:
                    lin.bias.data.copy_(params[f"language_model.model.layers.{i}.self_attn.{name}.bias"])
                setattr(layer.self_attn, name, lin)
            self.model.language_model.layers.append(layer)

    def forward(self, inputs):
        plain = ref.linear

        def linear(p, name, x, bias):
            parts = name.split(".")
            if parts[-1] in ("q_proj", "k_proj") and parts[-2] == "self_attn":
                return getattr(self.model.language_model.layers[int(parts[3])].self_attn, parts[-1])(x)
            return plain(p, name, x, bias)

        with mock.patch.object(ref, "linear", linear):
            return ref.llava_forward(self.p, self.cfg, inputs, capture_layer=-1)


class RecorderAgainstCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = cls.tmp.name
        cls.run_dir = os.path.join(root, "run")
        cls.images = os.path.join(root, "images")
        os.makedirs(cls.images)
        for step, seed in ((10, 1), (20, 2)):
            folder = os.path.join(cls.run_dir, f"checkpoint-{step}")
            run_cli("model", "init", "--config", "tiny", "--tokenizer", TOKENIZER, "--seed", seed, "-o", folder)
            with open(os.path.join(folder, "trainer_state.json"), "w") as f:  # what marks a complete checkpoint
                json.dump({"global_step": step, "stage": "finetune"}, f)
        with open(os.path.join(cls.run_dir, "checkpoint-10", "config.json")) as f:
            cls.config = json.load(f)
        side = cls.config["vision_config"]["image_size"]
        records = []
        for i, (seed, question, answer) in enumerate(RECORDS):
            record = {"id": f"r{i}", "conversations": [
                {"from": "human", "value": ("<image>\n" if seed else "") + question},
                {"from": "gpt", "value": answer}]}
            if seed:
                rgb = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
                write_bmp(os.path.join(cls.images, f"img{i}.bmp"), rgb)
                record["image"] = f"img{i}.bmp"
            records.append(record)
        cls.data = os.path.join(root, "data.json")
        with open(cls.data, "w") as f:
            json.dump(records, f)
        cls.store_dir = os.path.join(root, "store")
        run_cli("trajectories", "--run", cls.run_dir, "--data", cls.data, "--image-folder", cls.images,
                "--tokenizer", TOKENIZER, "--template", "llava_v1", "--batch-size", 2, "--out", cls.store_dir)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def pixels(self, index):
        side = self.config["vision_config"]["image_size"]
        rgb = np.random.default_rng(RECORDS[index][0]).integers(0, 256, (side, side, 3), dtype=np.uint8)
        x = torch.from_numpy(rgb.astype(np.float32) / 255.0)
        x = (x - torch.tensor(CLIP_MEAN)) / torch.tensor(CLIP_STD)
        return x.permute(2, 0, 1)[None]

    def record(self):
        """(step, recorder) per checkpoint: the recorder's values, one example per forward pass."""
        vc = self.config["vision_config"]
        image_tokens = (vc["image_size"] // vc["patch_size"]) ** 2  # HF "default": patches, no class token
        for step in (10, 20):
            weights = os.path.join(self.run_dir, f"checkpoint-{step}", "model.safetensors")
            model = ReferenceLlava(ref.read_safetensors(weights), self.config)
            rec = TrajectoryRecorder(model, num_examples=len(RECORDS))
            with rec.checkpoint(step), torch.no_grad():
                for i, (seed, _, _) in enumerate(RECORDS):
                    ids, begin, end = encoded_ids(self.data, i, "llava_v1", image_tokens)
                    inputs = dict(input_ids=ids[None], attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                  labels=torch.full((1, len(ids)), -100), image_begin=torch.tensor([begin]))
                    if seed:
                        inputs["images"] = self.pixels(i)
                    with rec.capture([i], spans=[(begin, end, len(ids))]):
                        model(inputs)
            rec.remove()
            yield step, rec

    def test_recorder_equals_cli(self):
        store = xmas.Store(self.store_dir)
        self.assertEqual(store.steps("svd"), [10, 20])
        cli = store.trajectories("svd")
        for column, (step, rec) in enumerate(self.record()):
            np.testing.assert_array_equal(rec.valid[step], store.valid)
            self.assertEqual(rec.valid[step].tolist(), [True, True, False, True, True])
            got, want = rec.values[step], cli[:, column]
            self.assertTrue((want[store.valid] > 0).all())
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6 * float(np.abs(want).max()))


if __name__ == "__main__":
    unittest.main()
