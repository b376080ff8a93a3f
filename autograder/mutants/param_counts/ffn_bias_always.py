"""Adds the biases even when bias=False. Breaks ffn_params."""
# %% ffn_params
def ffn_params(d_model: int, d_ff: int, bias: bool = True) -> int:
    return 2 * d_model * d_ff + d_ff + d_model
