"""Diagrams of the transfer-learning chapter, drawn at build time with llmcourse.diagrams."""

from __future__ import annotations

from typing import Sequence

from llmcourse.diagrams import box, canvas, label


def bert_input_figure(tokens: Sequence[str], token_ids: Sequence[int], segment_ids: Sequence[int]):
    """BERT's input representation (Devlin et al., 2019, Figure 2) for a real tokenised pair:
    each input vector is the sum of a token, a segment and a position embedding."""
    if not len(tokens) == len(token_ids) == len(segment_ids):
        raise ValueError(f"{len(tokens)} tokens, {len(token_ids)} ids and {len(segment_ids)} segment ids: "
                         "give one of each per position")
    step = 0.6
    width = 1.5 + step * len(tokens)
    fig, ax = canvas(width, 3.4)
    rows = [(2.55, "input", "plain"), (1.8, "token\nembeddings", "added"),
            (1.05, "segment\nembeddings", "trained"), (0.3, "position\nembeddings", "data")]
    for y, name, _ in rows:
        label(ax, 0.65, y + 0.25, name, fontsize=8)
    for i, (token, token_id, segment) in enumerate(zip(tokens, token_ids, segment_ids)):
        x = 1.4 + i * step
        shown = token if len(token) <= 8 else token[:7] + "…"
        box(ax, x, 2.55, step - 0.1, 0.5, shown, kind="plain", fontsize=6.5)
        box(ax, x, 1.8, step - 0.1, 0.5, f"E[{token_id}]", kind="added", fontsize=6.5)
        box(ax, x, 1.05, step - 0.1, 0.5, f"E_{'AB'[segment]}", kind="trained", fontsize=7.5)
        box(ax, x, 0.3, step - 0.1, 0.5, f"E_{i}", kind="data", fontsize=7.5)
        for y in (1.675, 0.925):
            label(ax, x + (step - 0.1) / 2, y, "+", fontsize=9)
    label(ax, width / 2, 3.25, "input vector at position i = row of the token's id + row of its segment"
          " + row i of the positions, then LayerNorm", fontsize=8.5)
    return fig
