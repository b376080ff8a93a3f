"""Hard-codes two token types, ignoring type_vocab_size. Breaks encoder_params."""
# %% encoder_params
def encoder_params(n_layers: int, d_model: int, n_heads: int, d_ff: int, vocab_size: int, max_positions: int,
                   type_vocab_size: int = 2, pooler: bool = True) -> int:
    embeddings = (vocab_size + max_positions + 2) * d_model + layer_norm_params(d_model)
    layers = n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True)
    pool = d_model * d_model + d_model if pooler else 0
    return embeddings + layers + pool
