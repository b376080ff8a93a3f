"""Explanatory diagram of the ULMFiT chapter: the three stages (Howard & Ruder, 2018, Figure 1)
with the slanted triangular schedule each stage runs."""

from __future__ import annotations

from .diagrams import arrow, box, canvas, label, legend
from .ulmfit import stlr_rates

STAGES = (
    ("a) general-domain LM", "pre-training", "large general corpus\n(Wikitext-103)", "next word", "trained"),
    ("b) target-task LM", "fine-tuning", "texts of the task\n(labels unused)", "next word", "trained"),
    ("c) classifier", "fine-tuning", "labelled examples", "class", "added"),
)


def ulmfit_stages(T: int = 100):
    """Three columns, one per stage: the layer stack (embedding, two LSTMs, output), the data it
    reads, the tricks it uses, and below it the STLR learning rate over T steps."""
    fig, ax = canvas(9.0, 5.8)
    tricks = ("one rate for all layers", "discriminative rates", "discriminative rates\n+ gradual unfreezing")
    for i, (title, sub, data, out, top_kind) in enumerate(STAGES):
        x = 0.3 + i * 3.0
        label(ax, x + 1.2, 5.15, title, fontsize=10, weight="bold")
        label(ax, x + 1.2, 4.87, sub, fontsize=9)
        box(ax, x + 0.2, 4.1, 2.0, 0.45, out if i < 2 else "concat-pool head → class",
            kind=top_kind if i == 2 else "trained", fontsize=8)
        for j, name in enumerate(("LSTM 2", "LSTM 1", "embedding")):
            box(ax, x + 0.2, 3.35 - j * 0.6, 2.0, 0.42, name, kind="trained", fontsize=8)
        for j in range(3):  # data -> embedding -> LSTM 1 -> LSTM 2
            arrow(ax, (x + 1.2, 1.9 + j * 0.6), (x + 1.2, 2.15 + j * 0.6))
        arrow(ax, (x + 1.2, 3.77), (x + 1.2, 4.1))
        box(ax, x + 0.2, 1.35, 2.0, 0.55, data, kind="data", fontsize=8)
        label(ax, x + 1.2, 1.1, tricks[i], fontsize=7.5, style="italic", va="top")
        if i < 2:
            arrow(ax, (x + 2.3, 2.8), (x + 2.9, 2.8), style="-|>")
            label(ax, x + 2.6, 3.05, "weights", fontsize=7)
        inset = ax.inset_axes((x + 0.35, 0.05, 1.7, 0.55), transform=ax.transData)
        inset.plot(range(T + 1), stlr_rates(T), color="#d95f0e")
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_title("STLR", fontsize=7, pad=1)
    legend(ax, 0.5, 5.55, kinds=("trained", "added", "data"))
    return fig
