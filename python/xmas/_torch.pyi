"""Type stubs of xmas._torch (links libtorch; use xmas.cross_modal_singular_values)."""
from typing import List, Optional, Tuple

import numpy as np
import numpy.typing as npt

def cross_modal_singular_values(q: npt.NDArray[np.float32], k: npt.NDArray[np.float32], text_span: Tuple[int, int],
                                image_span: Tuple[int, int], mode: str, top_k: int, num_heads: int,
                                num_kv_heads: int, combine: str, svd: str, seed: int) -> Optional[List[float]]: ...
def set_log_level(level: str) -> None: ...
