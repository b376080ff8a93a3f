"""Forgets to pass `bias` on to the attention and feed-forward counts (always with biases). Breaks decoder_layer_params."""
# %% decoder_layer_params
def decoder_layer_params(d_model: int, n_heads: int, d_ff: int, bias: bool = True, layer_norm: bool = True) -> int:
    total = mha_params(d_model, n_heads) + ffn_params(d_model, d_ff)
    if layer_norm:
        total += 2 * layer_norm_params(d_model)
    return total
