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


def two_stages_figure(n_labelled: int):
    """Pre-training then fine-tuning: the same encoder weights, a new head and new data."""
    from llmcourse.diagrams import arrow, legend
    fig, ax = canvas(8.6, 3.6)
    for x0, title, data, head, out in [
            (0.2, "1. pre-training (once, by a lab)", "unlabelled text\nbillions of tokens",
             "LM head\n(MLM or next token)", "hidden words"),
            (4.5, "2. fine-tuning (for each task)", f"labelled examples\ne.g. {n_labelled:,} headlines",
             "new task head\n(d → 5 topics)", "topic label")]:
        label(ax, x0 + 1.95, 3.4, title, fontsize=9.5, fontweight="bold")
        box(ax, x0, 0.3, 1.7, 0.75, data, kind="data", fontsize=8)
        box(ax, x0, 1.45, 1.7, 0.85, "transformer\nencoder", kind="trained", fontsize=9)
        box(ax, x0 + 2.2, 1.45, 1.7, 0.85, head, kind="trained" if x0 < 1 else "added", fontsize=8)
        arrow(ax, (x0 + 0.85, 1.05), (x0 + 0.85, 1.45))
        arrow(ax, (x0 + 1.7, 1.87), (x0 + 2.2, 1.87))
        arrow(ax, (x0 + 3.05, 1.45), (x0 + 3.05, 1.05))
        label(ax, x0 + 3.05, 0.85, out, fontsize=8.5)
    ax.annotate("", xy=(5.05, 2.32), xytext=(0.75, 2.32),
                arrowprops=dict(arrowstyle="-|>", connectionstyle="arc3,rad=-0.25", color="#333333",
                                linewidth=0.9))
    label(ax, 2.95, 3.05, "start from the pre-trained weights", fontsize=8.5, style="italic")
    legend(ax, 4.8, 0.0, kinds=("data", "trained", "added"))
    return fig
