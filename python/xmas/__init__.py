"""xmas from Python: XMAS data selection for visual instruction tuning.

The same library as the ``xmas`` command line, bound with pybind11:

* :func:`select` -- ``xmas select`` on a trajectory folder or on NumPy arrays;
* :class:`Store` -- the feature store (docs/formats.md), read and written from NumPy;
* :class:`Dataset` -- a LLaVA JSON dataset: read, validate, subset byte for byte;
* :func:`cross_modal_singular_values` -- the trajectory extractor's values
  for one example, from torch or NumPy q/k projections;
* :mod:`xmas.torch` -- :class:`~xmas.torch.TrajectoryRecorder`, trajectories
  recorded inside your own PyTorch run.

Errors are :mod:`xmas.errors` exceptions carrying the CLI's one-line messages.
See docs/python.md.
"""

import json as _json
import os as _os
from typing import Any, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as _np

from . import errors
from ._core import Dataset, Store, StoreWriter, method_names
from ._core import __version__
from . import _core

_Path = Union[str, _os.PathLike]

__all__ = ["select", "SelectResult", "Store", "StoreWriter", "Dataset", "write_store",
           "cross_modal_singular_values", "method_names", "set_log_level", "errors", "__version__"]

_log_level = None


def set_log_level(level: str) -> None:
    """Level of the library's messages on stderr: "debug", "info" (default),
    "warn", "error" or "off" (progress and information lines, as ``--log-level``)."""
    global _log_level
    _core.set_log_level(level)
    _log_level = level
    import sys
    if "xmas._torch" in sys.modules:
        sys.modules["xmas._torch"].set_log_level(level)


def _torch_module():
    from . import _torch
    if _log_level is not None:
        _torch.set_log_level(_log_level)
    return _torch


class SelectResult(NamedTuple):
    """What :func:`select` returns.

    indices: int64 [B], the chosen record (row) indices in sampling order
        (the report's ``chosen_indices``; ``sorted(indices)`` is file order).
    cluster_of: int64 [N], each record's cluster (-1: the method has none;
        text-only records form the extra cluster ``clusters``).
    stability: float64 [N], each record's total variation (lower = more
        stable; NaN for records without a trajectory and for baselines).
    report: dict, the report ``xmas select`` writes (same keys and values;
        paths and timings aside).
    """

    indices: _np.ndarray
    cluster_of: _np.ndarray
    stability: _np.ndarray
    report: dict


def _fspath(p):
    return None if p is None else _os.fspath(p)


def _float32(x):
    """A float32 C-contiguous NumPy array from NumPy, torch tensors or lists of them."""
    if hasattr(x, "detach"):  # a torch tensor (any device, any float dtype)
        import torch
        return x.detach().to(device="cpu", dtype=torch.float32).contiguous().numpy()
    if isinstance(x, (list, tuple)) and x and hasattr(x[0], "detach"):
        return _np.stack([_float32(t) for t in x])
    return _np.ascontiguousarray(x, dtype=_np.float32)


def select(trajectories: Union[str, "_os.PathLike[str]", Any], budget: Union[str, int], *,
           data: Optional[_Path] = None,
           ids: Optional[Sequence[str]] = None, text_only: Optional[Any] = None,
           steps: Optional[Sequence[int]] = None, sources: Optional[Sequence[str]] = None,
           method: str = "xmas", compat: str = "default", features: str = "sum",
           standardize: bool = False, top_k: int = 0, clusters: int = 0, iterations: Optional[int] = None,
           tolerance: Optional[float] = None, seed: int = 1234, within: Optional[str] = None,
           normalize: Optional[str] = None, dedup: Optional[str] = None, text_quota: Optional[str] = None,
           embeddings: Optional[str] = None, explain: bool = False,
           order: str = "auto", output: Optional[_Path] = None,
           official_format: bool = False, threads: int = 0, band: str = "",
           epsilon: float = 0.05, knn: int = 10, gamma: float = 1.0,
           temperature: float = 0.1) -> SelectResult:
    """Choose a training subset with XMAS or a baseline (``xmas select``).

    trajectories: either the path of a trajectory folder (a feature store or
        the authors' ``checkpoint-*_attn_svd_*`` JSON files; then ``data`` is
        required, and every method works), or an array (NumPy or torch):
        ``[N, T]`` -- one value per checkpoint (the sum of the top-k singular
        values, or the loss for ``method="s2l"``) -- or ``[N, T, k]`` -- the
        k singular values per checkpoint, largest first.
    budget: ``"20%"`` (floor(p*N/100) examples) or a count (``5000``).
    data: the LLaVA JSON the trajectories belong to. With arrays it is
        optional: without it each row is one record (ids ``ids`` or
        "0".."N-1", an image unless ``text_only``, source ``sources`` or
        "array"); with it, ``ids`` must be the rows' unique_idx.
    ids, text_only, steps, sources: row metadata for arrays. ``text_only`` is a
        boolean mask of rows without cross-modal values (they form the extra
        text-only cluster); ``steps`` the checkpoint steps (default 1..T).
    method: "xmas" (default), "s2l", or a baseline ("random", "el2n",
        "perplexity", "clip-score", "semdedup", "d2-pruning", "coincide";
        baselines need a feature store path).
    compat: "default", or "official" to reproduce the authors' scripts.
    features: "sum" (Σ top-k per checkpoint) or "all" (keep the k values).
    clusters: k-means clusters (0: round(sqrt(N/2)), at most budget/20, in
        [2, 1000]; official 1000).
    within, normalize, dedup, text_quota: None leaves them to the mode (the
        defaults ``xmas select --help`` shows; official mode: the authors'
        recipe, and any other value is refused); embeddings: None keeps the
        library's default ("centred").
    explain: add the per-cluster view to the report (``report["explain"]``).
    iterations, tolerance: k-means limits; None keeps the library's defaults
        (those ``xmas select --help`` shows).
    seed: k-means and every random choice. The other options are those of
        ``xmas select --help`` under the same names (``epsilon`` is
        ``--epsilon``).
    output: also write the subset JSON here (records byte for byte, as the
        CLI: dataset order, or sampling order in official mode / ``order``).

    Returns a :class:`SelectResult` (indices, cluster_of, stability, report).
    The numbers are those of ``xmas select`` on the same inputs: arrays are
    written to a private temporary feature store and read by the same code.
    The GIL is released while selecting. Errors raise :mod:`xmas.errors`.
    """
    options = dict(budget=str(budget), data=_fspath(data), ids=None if ids is None else [str(i) for i in ids],
                   text_only=text_only, steps=None if steps is None else [int(s) for s in steps],
                   sources=None if sources is None else [str(s) for s in sources], method=method,
                   compat=compat, features=features, standardize=bool(standardize), top_k=int(top_k),
                   clusters=int(clusters), iterations=None if iterations is None else int(iterations),
                   tolerance=None if tolerance is None else float(tolerance),
                   seed=int(seed), within=within, normalize=normalize, dedup=dedup, text_quota=text_quota,
                   embeddings=embeddings, explain=bool(explain), order=order, output=_fspath(output),
                   official_format=bool(official_format), threads=int(threads), band=band,
                   epsilon=float(epsilon), knn=int(knn), gamma=float(gamma), temperature=float(temperature))
    if isinstance(trajectories, (str, _os.PathLike)):
        source = _os.fspath(trajectories)
    else:
        source = _float32(trajectories)
    indices, cluster_of, stability, report = _core.select(source, options)
    return SelectResult(indices, cluster_of, stability, _json.loads(report))


def write_store(path: _Path, ids: Sequence[str], *, svd: Optional[Any] = None,
                loss: Optional[Any] = None, steps: Optional[Sequence[int]] = None,
                valid: Optional[Any] = None, static: Optional[dict] = None,
                settings: Optional[dict] = None, overwrite: bool = False) -> Store:
    """Write a whole feature store from arrays and open it.

    svd: ``[N, T, k]`` singular values (largest first) per checkpoint;
    loss: ``[N, T]`` per-checkpoint losses; steps: the T checkpoint steps
    (default 1..T); valid: bool [N] (False: text-only rows, whose svd rows
    should be zeros); static: {name: [N] or [N, D]} static features
    (e.g. "embed"); settings: free-form provenance. Arrays may be NumPy or
    torch. ``xmas select --trajectories PATH`` reads the result.
    """
    path = _os.fspath(path)
    writer = Store.create(path, [str(i) for i in ids], valid, overwrite)
    for name, values in (("svd", svd), ("loss", loss)):
        if values is None:
            continue
        values = _float32(values)
        if values.ndim < 2 or values.shape[0] != len(ids):
            raise ValueError(f"{name}: expected [N, T, ...] with N = {len(ids)}")
        at = list(range(1, values.shape[1] + 1)) if steps is None else [int(s) for s in steps]
        if len(at) != values.shape[1]:
            raise ValueError(f"steps: expected {values.shape[1]} steps for {name}")
        for t, step in enumerate(at):
            writer.add_checkpoint(name, step, values[:, t])
        if name == "svd" and values.ndim == 3:
            writer.set_top_k(values.shape[2])
    for name, values in (static or {}).items():
        writer.add_static(name, _float32(values))
    for key, value in (settings or {}).items():
        writer.set_setting(key, value)
    writer.finish()
    return Store(path)


def cross_modal_singular_values(q: Any, k: Any, text_span: Tuple[int, int], image_span: Tuple[int, int],
                                mode: str = "attention", top_k: int = 5, *,
                                num_heads: Optional[int] = None, num_kv_heads: Optional[int] = None,
                                combine: str = "sum", svd: str = "exact",
                                seed: int = 0) -> Optional[_np.ndarray]:
    """The top-k singular values of one example's cross-modal matrix, computed
    by the functions the C++ extractor (``xmas trajectories``) uses.

    mode="attention" (default; docs/method.md §4): q ``[H, L, d]`` and k ``[Hkv, L, d]``
        per layer, split into heads and *after* RoPE; the matrix is the
        head-averaged causal softmax(q kᵀ/√d) restricted to text rows ×
        image columns.
    mode="official" (the authors' code, docs/method.md §3): q ``[L, H*d]`` and k
        ``[L, Hkv*d]``, the raw q_proj/k_proj outputs (pre-RoPE, padding
        included); ``num_heads``/``num_kv_heads`` are needed only when the
        widths differ (grouped-query attention).
    Several layers: stack them on a leading axis (or pass a list); their
        matrices are summed (``combine="mean"``: averaged), as the extractor does.
    image_span: (begin, end) token positions of the image block.
    text_span: (begin, end) with begin == image_span[1]: the rows are every
        position after the image up to end (the example's length in attention
        mode; the padded length in official mode).
    svd: "exact" (LAPACK, float64) or "randomized" (the authors'
        svd_lowrank; ``seed`` drives its sketch).

    q and k may be torch tensors (any device/dtype; converted to float32 on
    the CPU, as the extractor computes in float32) or NumPy arrays. Returns
    float64 [top_k], descending, zero-padded; None when there is no text
    after the image (the extractor then marks the example text-only).
    Releases the GIL. Loads libtorch (xmas._torch) on first use.
    """
    _torch = _torch_module()
    qa, ka = _float32(q), _float32(k)
    if mode == "official":
        width_q, width_k = qa.shape[-1], ka.shape[-1]
        if num_heads is None:
            if width_q != width_k:
                raise ValueError("official mode: q and k widths differ; give num_heads (and num_kv_heads)")
            num_heads = 1
        if num_kv_heads is None:
            num_kv_heads = num_heads * width_k // width_q
    values = _torch.cross_modal_singular_values(qa, ka, tuple(text_span), tuple(image_span), mode, int(top_k),
                                                int(num_heads or 1), int(num_kv_heads or 1), combine, svd,
                                                int(seed))
    return None if values is None else _np.asarray(values, dtype=_np.float64)


Store.write = staticmethod(write_store)
