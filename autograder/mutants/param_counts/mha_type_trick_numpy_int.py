"""Returns a NumPy integer (right value) where a Python int is due. Breaks mha_params."""
# %% mha_params
import numpy as np


def mha_params(d_model: int, n_heads: int, bias: bool = True) -> int:
    return np.int64(4 * d_model * d_model + (4 * d_model if bias else 0))
