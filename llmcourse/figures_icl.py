"""Explanatory diagram of the chapter on fine-tuning versus in-context learning: the same k
solved examples used two ways (Brown et al., 2020, Figure 2.1)."""

from __future__ import annotations

from .diagrams import arrow, box, canvas, label, legend


def icl_vs_finetuning(k: int = 3):
    """Left: fine-tuning turns k examples into gradient steps that change the weights, then the
    query goes through the new model. Right: in-context learning writes the k examples into the
    prompt before the query; the frozen model reads them in one forward pass."""
    fig, ax = canvas(9.0, 4.2)
    label(ax, 2.2, 3.95, "fine-tuning", fontsize=11, weight="bold")
    for j in range(k):
        box(ax, 0.2, 3.1 - j * 0.5, 1.7, 0.38, f"example {j + 1}: x → y", kind="data", fontsize=8)
    arrow(ax, (1.95, 2.6), (2.6, 2.6))
    label(ax, 2.27, 2.05, "loss,\nbackprop", fontsize=7)
    box(ax, 2.65, 2.25, 1.5, 0.7, "model\nweights W → W'", kind="trained", fontsize=8)
    box(ax, 0.2, 0.9, 1.7, 0.45, "query x", kind="data", fontsize=8)
    arrow(ax, (1.95, 1.12), (2.65, 1.12))
    box(ax, 2.65, 0.85, 1.5, 0.55, "model W'", kind="trained", fontsize=8)
    arrow(ax, (3.4, 2.25), (3.4, 1.42), "copy", fontsize=7)
    arrow(ax, (3.4, 0.85), (3.4, 0.5))
    label(ax, 3.4, 0.35, "prediction ŷ", fontsize=8)
    ax.plot([4.65, 4.65], [0.3, 4.1], color="#999999", linewidth=0.8, linestyle="--")
    label(ax, 6.8, 3.95, "in-context learning", fontsize=11, weight="bold")
    prompt = [f"x{j + 1} → y{j + 1}" for j in range(k)] + ["x → ?"]
    for j, text in enumerate(prompt):
        box(ax, 4.9 + j * 0.98, 2.95, 0.9, 0.45, text, kind="data", fontsize=8)
    label(ax, 4.9 + len(prompt) * 0.49, 3.6, f"one prompt: {k} demonstrations, then the query", fontsize=8)
    arrow(ax, (6.8, 2.9), (6.8, 2.25))
    box(ax, 5.9, 1.5, 1.8, 0.7, "model W\n(frozen: no update)", kind="frozen", fontsize=8)
    arrow(ax, (6.8, 1.45), (6.8, 0.95))
    label(ax, 6.8, 0.75, "prediction ŷ: the next token", fontsize=8)
    legend(ax, 5.0, 0.15, kinds=("data", "trained", "frozen"))
    return fig
