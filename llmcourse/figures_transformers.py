"""Diagrams of the transformers chapter, drawn at build time with llmcourse.diagrams."""

from __future__ import annotations

from llmcourse import params
from llmcourse.diagrams import arrow, box, canvas, label


def encoder_block_figure(n_layers: int, d_model: int, n_heads: int, d_ff: int, vocab_size: int,
                         max_positions: int, type_vocab_size: int = 2):
    """A BERT encoder (post-norm blocks) drawn bottom-up, each part labelled with its formula and
    its parameter count from llmcourse.params for the given shape."""
    d = d_model
    parts = [  # (y, text, formula, count, colour)
        (0.35, "token + position + segment\nembeddings, LayerNorm", "(V + T + n_type) d + 2d",
         params.embedding_params(vocab_size, d) + params.embedding_params(max_positions, d)
         + params.embedding_params(type_vocab_size, d) + params.layer_norm_params(d), "data"),
        (1.55, "multi-head attention\nW_Q, W_K, W_V, W_O and biases", "4d² + 4d",
         params.mha_params(d, n_heads), "added"),
        (2.55, "add & LayerNorm", "2d", params.layer_norm_params(d), "plain"),
        (3.35, "feed-forward\nσ(X W_1 + b_1) W_2 + b_2", "2 d d_ff + d_ff + d",
         params.ffn_params(d, d_ff), "trained"),
        (4.35, "add & LayerNorm", "2d", params.layer_norm_params(d), "plain"),
        (5.35, "pooler (BertModel only)\ndense layer on [CLS]", "d² + d", d * d + d, "plain"),
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
    label(ax, 0.15, 3.2, f"× L = {n_layers}", fontsize=9, rotation=90)
    block = params.encoder_layer_params(d, n_heads, d_ff)
    total = params.encoder_params(n_layers, d, n_heads, d_ff, vocab_size, max_positions, type_vocab_size)
    label(ax, x0 + w / 2, 6.35, f"one block: {block:,} parameters;  whole encoder: {total:,}", fontsize=9)
    label(ax, 6.9, 0.2, f"d = {d}, h = {n_heads}, d_ff = {d_ff},\nV = {vocab_size:,}, T = {max_positions}",
          fontsize=8)
    return fig
