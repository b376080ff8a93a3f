"""Counts with torch's own transformer modules on the meta device: nn.MultiheadAttention for attention, the
pieces of a layer in an nn.ModuleList, and for BERT an nn.TransformerEncoder stack, whose constructor warns (nested
tensors need batch_first). A warning is not a failure. Must earn full marks."""
# %% mha_params
def mha_params(d_model, n_heads, bias=True):
    with torch.device("meta"):
        attention = nn.MultiheadAttention(d_model, n_heads, bias=bias)
    return sum(p.numel() for p in attention.parameters())
# %% decoder_layer_params
def decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True):
    with torch.device("meta"):
        parts = nn.ModuleList([nn.MultiheadAttention(d_model, n_heads, bias=bias),
                               nn.Linear(d_model, d_ff, bias=bias), nn.Linear(d_ff, d_model, bias=bias)])
        if layer_norm:
            parts.extend([nn.LayerNorm(d_model), nn.LayerNorm(d_model)])
    return sum(p.numel() for p in parts.parameters())
# %% encoder_params
def encoder_params(n_layers, d_model, n_heads, d_ff, vocab_size, max_positions, type_vocab_size=2, pooler=True):
    with torch.device("meta"):
        layer = nn.TransformerEncoderLayer(d_model, n_heads, d_ff)  # post-norm, biases: BERT's layer
        stack = nn.TransformerEncoder(layer, n_layers)
        rest = nn.ModuleList([nn.Embedding(vocab_size, d_model), nn.Embedding(max_positions, d_model),
                              nn.Embedding(type_vocab_size, d_model), nn.LayerNorm(d_model)])
        if pooler:
            rest.append(nn.Linear(d_model, d_model))
    return sum(p.numel() for p in stack.parameters()) + sum(p.numel() for p in rest.parameters())
