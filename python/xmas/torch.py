"""Record XMAS trajectories inside your own PyTorch run.

:class:`TrajectoryRecorder` hooks the ``q_proj``/``k_proj`` modules of an
HF-named decoder (``...language_model.layers.N.self_attn`` or the older
``model.layers.N.self_attn``), reads each example's image and text spans
from the batch, computes the top-k singular values of its cross-modal
matrix with :func:`xmas.cross_modal_singular_values` (the C++ extractor's
functions) and collects one row per example and checkpoint, to be written as
an :class:`xmas.Store` that ``xmas select`` / :func:`xmas.select` read::

    rec = TrajectoryRecorder(model, num_examples=len(dataset), image_token_id=32000)
    for step in (200, 400, 600):
        train_until(step)                                # your training
        with rec.checkpoint(step), torch.no_grad():
            for rows, batch in loader:                   # rows: dataset indices
                with rec.capture(rows, batch["input_ids"], batch["attention_mask"]):
                    model(**batch)
    rec.write("traj/", ids=xmas.Dataset("llava.json").unique_idx)

Needs only torch (and this package). Batches must be right-padded; image
tokens must appear in ``input_ids`` as a contiguous run of
``image_token_id`` (current HF LLaVA processors expand ``<image>`` that
way). For models that expand the image inside ``forward``, pass the spans
yourself: ``capture(rows, spans=[(image_begin, image_end, length), ...])``.
"""
import contextlib
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import torch

import xmas

_ATTENTION = re.compile(r"^(?P<prefix>.*?)layers\.(?P<layer>\d+)\.self_attn$")


def find_attention_layers(model: torch.nn.Module) -> List[Tuple[int, torch.nn.Module, torch.nn.Module]]:
    """(layer, q_proj, k_proj) of every decoder layer, ascending. When several
    module lists match (HF CLIP vision towers also have ``layers.N.self_attn``
    with q_proj/k_proj), the one under ``language_model`` wins, then any one
    not under a ``vision`` module."""
    found: Dict[str, Dict[int, Tuple[torch.nn.Module, torch.nn.Module]]] = {}
    for name, module in model.named_modules():
        m = _ATTENTION.match(name)
        if m and hasattr(module, "q_proj") and hasattr(module, "k_proj"):
            found.setdefault(m.group("prefix"), {})[int(m.group("layer"))] = (module.q_proj, module.k_proj)
    if not found:
        raise ValueError("no decoder layers named '...layers.N.self_attn' with q_proj/k_proj in this model")
    prefixes = sorted(found, key=lambda p: ("language_model" not in p, "vision" in p, p))
    layers = found[prefixes[0]]
    return [(i, *layers[i]) for i in sorted(layers)]


def _config_value(model, names, default=None):
    for config in (getattr(model, "config", None), getattr(getattr(model, "config", None), "text_config", None)):
        for name in names:
            if config is not None and getattr(config, name, None) is not None:
                return getattr(config, name)
    return default


def rope(x: torch.Tensor, theta: float) -> torch.Tensor:
    """HF LLaMA rotary embedding (rotate_half) at positions 0..L-1 of x [H, L, d]."""
    d, length = x.shape[-1], x.shape[-2]
    inv_freq = 1.0 / torch.pow(theta, torch.arange(0, d, 2, dtype=torch.float32) / d)
    freqs = torch.outer(torch.arange(length, dtype=torch.float32), inv_freq)
    emb = torch.cat([freqs, freqs], dim=-1)
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return x * emb.cos() + torch.cat([-x2, x1], dim=-1) * emb.sin()


class TrajectoryRecorder:
    """Per-example top-k singular values of the cross-modal matrix, per checkpoint.

    model: the PyTorch model (HF LLaMA/LLaVA module names).
    num_examples: rows of the store (the dataset's records).
    image_token_id: the id that marks image positions in ``input_ids``.
    mode: "attention" (default: per-head causal softmax with RoPE, what the
        model attends with) or "official" (the authors' raw K Qᵀ).
    layers: decoder layer indices to hook (default: all), summed
        (``combine="mean"``: averaged).
    num_heads, num_kv_heads, rope_theta: default from ``model.config``
        (``num_attention_heads``, ``num_key_value_heads``, ``rope_theta``).
    top_k, svd, seed: as :func:`xmas.cross_modal_singular_values`.
    """

    def __init__(self, model: torch.nn.Module, num_examples: int, image_token_id: Optional[int] = None, *,
                 mode: str = "attention", layers: Optional[Iterable[int]] = None, combine: str = "sum",
                 top_k: int = 5, svd: str = "exact", seed: int = 0, num_heads: Optional[int] = None,
                 num_kv_heads: Optional[int] = None, rope_theta: Optional[float] = None):
        if mode not in ("attention", "official"):
            raise ValueError("mode: expected 'attention' or 'official'")
        self.mode, self.combine, self.top_k, self.svd, self.seed = mode, combine, int(top_k), svd, int(seed)
        self.image_token_id = image_token_id
        self.num_examples = int(num_examples)
        self.num_heads = num_heads or _config_value(model, ["num_attention_heads"])
        self.num_kv_heads = num_kv_heads or _config_value(model, ["num_key_value_heads"], self.num_heads)
        self.rope_theta = float(rope_theta or _config_value(model, ["rope_theta"], 10000.0))
        if not self.num_heads:
            raise ValueError("num_heads: not in model.config; pass num_heads= (and num_kv_heads=)")
        all_layers = find_attention_layers(model)
        wanted = None if layers is None else set(int(l) for l in layers)
        self.layers = [t for t in all_layers if wanted is None or t[0] in wanted]
        if wanted is not None and len(self.layers) != len(wanted):
            raise ValueError(f"layers: the model has decoder layers {[t[0] for t in all_layers]}")
        self._captured: Dict[Tuple[int, str], torch.Tensor] = {}
        self._active = False
        self._hooks = []
        for index, q_proj, k_proj in self.layers:
            self._hooks.append(q_proj.register_forward_hook(self._hook(index, "q")))
            self._hooks.append(k_proj.register_forward_hook(self._hook(index, "k")))
        self.steps: List[int] = []
        self.values: Dict[int, np.ndarray] = {}  # step -> float32 [N, top_k]
        self.valid: Dict[int, np.ndarray] = {}   # step -> bool [N] (rows recorded with a value)
        self.seen: Dict[int, np.ndarray] = {}    # step -> bool [N] (rows recorded at all)
        self._step: Optional[int] = None

    def _hook(self, layer: int, which: str):
        def hook(module, inputs, output):
            if self._active:
                self._captured[(layer, which)] = output.detach()
        return hook

    def remove(self) -> None:
        """Removes the hooks from the model."""
        for h in self._hooks:
            h.remove()
        self._hooks = []

    @contextlib.contextmanager
    def checkpoint(self, step: int):
        """Rows captured inside belong to checkpoint ``step``."""
        step = int(step)
        if step in self.values:
            raise ValueError(f"checkpoint {step} was already recorded")
        self.values[step] = np.zeros((self.num_examples, self.top_k), np.float32)
        self.valid[step] = np.zeros(self.num_examples, bool)
        self.seen[step] = np.zeros(self.num_examples, bool)
        self._step = step
        try:
            yield self
        except BaseException:  # an interrupted checkpoint leaves nothing behind
            for table in (self.values, self.valid, self.seen):
                table.pop(step, None)
            raise
        finally:
            self._step = None
        self.steps.append(step)

    @contextlib.contextmanager
    def capture(self, rows: Sequence[int], input_ids: Optional[torch.Tensor] = None,
                attention_mask: Optional[torch.Tensor] = None,
                spans: Optional[Sequence[Tuple[int, int, int]]] = None):
        """Records the forward pass run inside for the dataset rows ``rows``
        (one per batch row). Spans come from ``input_ids`` (image tokens) and
        ``attention_mask`` (length; right padding), or from ``spans``:
        (image_begin, image_end, length) per batch row."""
        if self._step is None:
            raise RuntimeError("capture() outside checkpoint(step)")
        self._captured.clear()
        self._active = True
        try:
            yield
        finally:
            self._active = False
        rows = [int(r) for r in rows]
        if spans is None:
            spans = self.spans(input_ids, attention_mask)
        if len(spans) != len(rows):
            raise ValueError(f"capture: {len(rows)} rows for a batch of {len(spans)}")
        for b, (row, span) in enumerate(zip(rows, spans)):
            self._record(row, b, span)
        self._captured.clear()

    def spans(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None):
        """(image_begin, image_end, length) per batch row; image_begin -1 for a row without image tokens."""
        if self.image_token_id is None:
            raise ValueError("image_token_id is needed to find image spans (or pass spans=)")
        out = []
        for b in range(input_ids.shape[0]):
            length = int(attention_mask[b].sum()) if attention_mask is not None else input_ids.shape[1]
            if attention_mask is not None and not bool(attention_mask[b, :length].all()):
                raise ValueError(f"batch row {b}: attention_mask is not right padding")
            where = torch.nonzero(input_ids[b, :length] == self.image_token_id).flatten()
            if len(where) == 0:
                out.append((-1, -1, length))
                continue
            begin, end = int(where[0]), int(where[-1]) + 1
            if end - begin != len(where):
                raise ValueError(f"batch row {b}: image tokens are not one contiguous block")
            out.append((begin, end, length))
        return out

    def _layer_tensors(self, b: int):
        qs, ks = [], []
        for index, _, _ in self.layers:
            q, k = self._captured[(index, "q")][b].float(), self._captured[(index, "k")][b].float()
            if self.mode == "attention":  # [L, H*d] -> [H, L, d], RoPE at positions 0..L-1
                length = q.shape[0]
                q = rope(q.view(length, self.num_heads, -1).transpose(0, 1), self.rope_theta)
                k = rope(k.view(length, self.num_kv_heads, -1).transpose(0, 1), self.rope_theta)
            qs.append(q)
            ks.append(k)
        return torch.stack(qs), torch.stack(ks)

    def _record(self, row: int, b: int, span: Tuple[int, int, int]) -> None:
        step = self._step
        self.seen[step][row] = True
        image_begin, image_end, length = span
        if image_begin < 0 or length <= image_end:  # no image, or no text after it: text-only row
            return
        q, k = self._layer_tensors(b)
        text_end = length if self.mode == "attention" else q.shape[-2]
        values = xmas.cross_modal_singular_values(
            q, k, (image_end, text_end), (image_begin, image_end), mode=self.mode, top_k=self.top_k,
            num_heads=self.num_heads, num_kv_heads=self.num_kv_heads, combine=self.combine, svd=self.svd,
            seed=self.seed)
        self.values[step][row] = values.astype(np.float32)
        self.valid[step][row] = True

    def write(self, path: str, ids: Sequence[str], overwrite: bool = False, settings: Optional[dict] = None):
        """Writes the recorded checkpoints as a feature store (``svd`` [N, top_k]
        per step) and returns the opened :class:`xmas.Store`. Every row must have
        been recorded at every checkpoint, with a value at all or at none."""
        if not self.steps:
            raise ValueError("nothing recorded")
        for step in self.steps:
            missing = np.flatnonzero(~self.seen[step])
            if len(missing):
                raise ValueError(f"checkpoint {step}: rows never captured, e.g. {missing[:5].tolist()}")
        valid = self.valid[self.steps[0]]
        for step in self.steps[1:]:
            if not np.array_equal(self.valid[step], valid):
                raise ValueError(f"checkpoint {step}: rows with values differ from checkpoint {self.steps[0]}")
        steps = sorted(self.steps)
        svd = np.stack([self.values[s] for s in steps], axis=1)
        info = {"mode": self.mode, "layers": [t[0] for t in self.layers], "combine": self.combine,
                "svd": self.svd, "recorder": "xmas.torch.TrajectoryRecorder"}
        info.update(settings or {})
        return xmas.write_store(path, ids, svd=svd, steps=steps, valid=valid, settings=info, overwrite=overwrite)


__all__ = ["TrajectoryRecorder", "find_attention_layers", "rope"]
