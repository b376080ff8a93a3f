"""Counts only the first linear layer's bias (d_ff), not the second's (d_model). Breaks ffn_params."""
# %% ffn_params
def ffn_params(d_model: int, d_ff: int, bias: bool = True) -> int:
    return 2 * d_model * d_ff + (d_ff if bias else 0)
