"""Counts W_Q, W_K, W_V but forgets the output projection W_O. Breaks mha_params."""
# %% mha_params
def mha_params(d_model: int, n_heads: int, bias: bool = True) -> int:
    return 3 * d_model * d_model + (3 * d_model if bias else 0)
