"""Type stubs of the xmas package (see __init__.py for the documentation)."""
import os
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import errors as errors
from ._core import Dataset as Dataset, Store as Store, StoreWriter as StoreWriter

__version__: str
_Path = Union[str, os.PathLike]

class SelectResult(NamedTuple):
    indices: npt.NDArray[np.int64]
    cluster_of: npt.NDArray[np.int64]
    stability: npt.NDArray[np.float64]
    report: Dict[str, Any]

def select(trajectories: Union[_Path, Any], budget: Union[str, int], *, data: Optional[_Path] = ...,
           ids: Optional[Sequence[str]] = ..., text_only: Optional[Any] = ..., steps: Optional[Sequence[int]] = ...,
           sources: Optional[Sequence[str]] = ..., method: str = ..., compat: str = ..., features: str = ...,
           standardize: bool = ..., top_k: int = ..., clusters: int = ..., iterations: Optional[int] = ...,
           tolerance: Optional[float] = ..., seed: int = ..., within: Optional[str] = ...,
           normalize: Optional[str] = ..., dedup: Optional[str] = ..., text_quota: Optional[str] = ...,
           embeddings: Optional[str] = ..., explain: bool = ..., order: str = ...,
           output: Optional[_Path] = ..., official_format: bool = ..., threads: int = ..., band: str = ...,
           epsilon: float = ..., knn: int = ..., gamma: float = ..., temperature: float = ...) -> SelectResult: ...
def write_store(path: _Path, ids: Sequence[str], *, svd: Any = ..., loss: Any = ...,
                steps: Optional[Sequence[int]] = ..., valid: Any = ..., static: Optional[Dict[str, Any]] = ...,
                settings: Optional[Dict[str, Any]] = ..., overwrite: bool = ...) -> Store: ...
def cross_modal_singular_values(q: Any, k: Any, text_span: Tuple[int, int], image_span: Tuple[int, int],
                                mode: str = ..., top_k: int = ..., *, num_heads: Optional[int] = ...,
                                num_kv_heads: Optional[int] = ..., combine: str = ..., svd: str = ...,
                                seed: int = ...) -> Optional[npt.NDArray[np.float64]]: ...
def method_names() -> List[str]: ...
def set_log_level(level: str) -> None: ...
