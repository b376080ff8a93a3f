"""Counts one layer norm per decoder layer instead of two. Breaks decoder_layer_params."""
# %% decoder_layer_params
def decoder_layer_params(d_model: int, n_heads: int, d_ff: int, bias: bool = True, layer_norm: bool = True) -> int:
    total = mha_params(d_model, n_heads, bias) + ffn_params(d_model, d_ff, bias)
    if layer_norm:
        total += layer_norm_params(d_model)
    return total
