"""Gives every head its own d_model x d_model projections (multiplies by n_heads). Breaks mha_params."""
# %% mha_params
def mha_params(d_model: int, n_heads: int, bias: bool = True) -> int:
    return n_heads * 4 * d_model * d_model + (4 * d_model if bias else 0)
