"""A helper of the student's own (linear_params) reused across cells, every call by keyword, the GPT count as the
sum of a dictionary of parts, and the memory as n * bytes * 1e-9. Must earn full marks."""
# %% mha_params
def linear_params(n_in, n_out, bias=True):
    """A linear layer: an n_in x n_out weight and, with a bias, n_out more."""
    return n_in * n_out + (n_out if bias else 0)


def mha_params(d_model, n_heads, bias=True):
    return sum(linear_params(n_in=d_model, n_out=d_model, bias=bias) for _ in ("q", "k", "v", "o"))
# %% ffn_params
def ffn_params(d_model, d_ff, bias=True):
    return linear_params(d_model, d_ff, bias=bias) + linear_params(d_ff, d_model, bias=bias)
# %% decoder_layer_params
def decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True):
    norms = layer_norm_params(d_model=d_model) * 2 if layer_norm else 0
    return mha_params(d_model=d_model, n_heads=n_heads, bias=bias) + ffn_params(d_model=d_model, d_ff=d_ff, bias=bias) + norms
# %% gpt_params
def gpt_params(n_layers, d_model, n_heads, vocab_size, context_length, d_ff=None, bias=True, layer_norm=True,
               learned_positions=True, tied_head=True):
    if d_ff is None:
        d_ff = 4 * d_model
    parts = {
        "tokens": vocab_size * d_model,
        "positions": context_length * d_model if learned_positions else 0,
        "layers": n_layers * decoder_layer_params(d_model=d_model, n_heads=n_heads, d_ff=d_ff, bias=bias,
                                                  layer_norm=layer_norm),
        "final norm": layer_norm_params(d_model=d_model) if layer_norm else 0,
        "head": 0 if tied_head else linear_params(d_model, vocab_size, bias=False),
    }
    return sum(parts.values())
# %% encoder_params
def encoder_params(n_layers, d_model, n_heads, d_ff, vocab_size, max_positions, type_vocab_size=2, pooler=True):
    tables = sum(n * d_model for n in (vocab_size, max_positions, type_vocab_size))
    layers = n_layers * decoder_layer_params(d_model=d_model, n_heads=n_heads, d_ff=d_ff)
    return tables + layer_norm_params(d_model) + layers + (linear_params(d_model, d_model) if pooler else 0)
# %% training_memory_gb
def training_memory_gb(n_params, bytes_per_param=16):
    return n_params * bytes_per_param * 1e-9
