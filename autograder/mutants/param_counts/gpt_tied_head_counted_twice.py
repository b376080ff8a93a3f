"""Adds the output head's V x d matrix even when it is tied to the token embeddings. Breaks gpt_params."""
# %% gpt_params
def gpt_params(n_layers: int, d_model: int, n_heads: int, vocab_size: int, context_length: int,
               d_ff: int | None = None, bias: bool = True, layer_norm: bool = True,
               learned_positions: bool = True, tied_head: bool = True) -> int:
    d_ff = 4 * d_model if d_ff is None else d_ff
    total = vocab_size * d_model
    if learned_positions:
        total += context_length * d_model
    total += n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias, layer_norm)
    if layer_norm:
        total += layer_norm_params(d_model)
    total += vocab_size * d_model
    return total
