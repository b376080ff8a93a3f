"""Diagrams of the transformers chapter, drawn at build time with llmcourse.diagrams."""

from __future__ import annotations

from llmcourse.diagrams import arrow, box, canvas, label


def _count(*modules) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


def encoder_block_figure(config):
    """A BERT encoder (post-norm blocks) drawn bottom-up for a ``BertConfig``-like ``config``,
    each part labelled with its formula and the parameter count of the matching module of
    transformers' BertModel, built on the meta device."""
    from llmcourse.params import meta_model
    model = meta_model(config)
    layer = model.encoder.layer[0]
    attention_norm, output_norm = layer.attention.output.LayerNorm, layer.output.LayerNorm
    parts = [  # (y, text, formula, count, colour)
        (0.35, "token + position + segment\nembeddings, LayerNorm", "(V + T + n_type) d + 2d",
         _count(model.embeddings), "data"),
        (1.55, "multi-head attention\nW_Q, W_K, W_V, W_O and biases", "4d² + 4d",
         _count(layer.attention.self, layer.attention.output.dense), "added"),
        (2.55, "add & LayerNorm", "2d", _count(attention_norm), "plain"),
        (3.35, "feed-forward\nσ(X W_1 + b_1) W_2 + b_2", "2 d d_ff + d_ff + d",
         _count(layer.intermediate, layer.output.dense), "trained"),
        (4.35, "add & LayerNorm", "2d", _count(output_norm), "plain"),
        (5.35, "pooler (BertModel only)\ndense layer on [CLS]", "d² + d", _count(model.pooler), "plain"),
    ]
    fig, ax = canvas(8.2, 6.6)
    x0, w = 0.9, 3.4
    for y, text, formula, count, kind in parts:
        h = 0.5 if "LayerNorm" in text and "\n" not in text else 0.75
        box(ax, x0, y, w, h, text, kind=kind, fontsize=8.5)
        label(ax, x0 + w + 0.2, y + h / 2, f"{formula}\n= {count:,}", fontsize=8.5, ha="left")
    for y0, y1 in [(1.1, 1.55), (2.3, 2.55), (3.05, 3.35), (4.1, 4.35), (4.85, 5.35)]:
        arrow(ax, (x0 + w / 2, y0), (x0 + w / 2, y1))
    for y0, y1 in [(1.33, 2.8), (3.2, 4.6)]:  # the residual connections skip each sublayer
        ax.plot([x0 + w / 2, x0 - 0.25, x0 - 0.25], [y0, y0, y1], color="#333333", linewidth=0.9)
        arrow(ax, (x0 - 0.25, y1), (x0, y1))
    label(ax, x0 - 0.3, 2.05, "residual", fontsize=7.5, rotation=90)
    ax.plot([0.3, 0.3], [1.2, 4.95], color="#555555", linewidth=0.8)
    label(ax, 0.15, 3.2, f"× L = {config.num_hidden_layers}", fontsize=9, rotation=90)
    label(ax, x0 + w / 2, 6.35, f"one block: {_count(layer):,} parameters;  "
          f"whole encoder: {_count(model):,}", fontsize=9)
    label(ax, 6.9, 0.2, f"d = {config.hidden_size}, h = {config.num_attention_heads}, "
          f"d_ff = {config.intermediate_size},\nV = {config.vocab_size:,}, "
          f"T = {config.max_position_embeddings}", fontsize=8)
    return fig
