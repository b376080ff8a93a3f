"""Forgets the biases of the four projections whatever `bias` says. Breaks mha_params."""
# %% mha_params
def mha_params(d_model: int, n_heads: int, bias: bool = True) -> int:
    return 4 * d_model * d_model
