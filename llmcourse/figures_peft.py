"""The explanatory diagrams of the PEFT chapter (book/peft.md), drawn with llmcourse.diagrams:
where each method sits in a transformer layer, LoRA's W0 + AB with shapes, a taxonomy of methods."""

from __future__ import annotations

from .diagrams import arrow, box, canvas, label, legend


def where_methods_sit():
    """One post-LayerNorm encoder layer (BERT's) with the place of every PEFT method marked."""
    fig, ax = canvas(7.2, 6.4)
    x0, w = 0.3, 3.2
    box(ax, x0, 0.2, w, 0.4, "input X  (tokens × d_model)", "data")
    # attention: W_q, W_k, W_v with LoRA on W_q and W_v, prefixes joining K and V
    for i, (name, kind) in enumerate([("W_q", "frozen"), ("W_k", "frozen"), ("W_v", "frozen")]):
        box(ax, x0 + i * 1.1, 1.0, 0.95, 0.4, name, kind)
    for i in (0, 2):
        box(ax, x0 + i * 1.1 + 0.55, 1.5, 0.4, 0.3, "AB", "added", fontsize=7)
    box(ax, x0, 2.0, w, 0.45, "softmax(Q [P_k; K]ᵀ/√d_h) [P_v; V]", "frozen", fontsize=8)
    box(ax, x0 + w + 0.15, 2.0, 0.55, 0.45, "P_k\nP_v", "added", fontsize=7)
    box(ax, x0, 2.7, w, 0.4, "W_o", "frozen")
    box(ax, x0 + 0.6, 3.25, w - 1.2, 0.35, "adapter (Houlsby)", "added", fontsize=8)
    box(ax, x0, 3.75, w, 0.35, "add residual, LayerNorm (γ, β)", "frozen", fontsize=8)
    box(ax, x0, 4.3, w, 0.4, "FFN: f(X W_up + b) W_down + b", "frozen", fontsize=8)
    box(ax, x0 + 0.6, 4.85, w - 1.2, 0.35, "adapter (Houlsby, Pfeiffer)", "added", fontsize=8)
    box(ax, x0, 5.35, w, 0.35, "add residual, LayerNorm (γ, β)", "frozen", fontsize=8)
    for y0, y1 in [(0.6, 1.0), (1.4, 2.0), (2.45, 2.7), (3.1, 3.25), (3.6, 3.75), (4.1, 4.3),
                   (4.7, 4.85), (5.2, 5.35)]:
        arrow(ax, (x0 + w / 2, y0), (x0 + w / 2, y1))
    arrow(ax, (x0 + w + 0.42, 2.0), (x0 + w, 1.9))
    # the notes on the right
    notes = [(1.55, "LoRA: a trained AB beside the frozen\nW_q and W_v (Hu et al., Table 5)"),
             (2.22, "prefix tuning: trained keys and values\njoin K and V in every layer"),
             (3.42, "Houlsby: two adapters per layer\n(after attention and after the FFN)"),
             (5.02, "Pfeiffer: one adapter, after the FFN"),
             (4.5, "BitFit: every bias b (and β) trains")]
    for y, text in notes:
        label(ax, 4.55, y, text, fontsize=8, ha="left")
    label(ax, 4.55, 0.95, "prompt tuning: trained vectors\nprepended to the input X", fontsize=8, ha="left")
    legend(ax, 0.3, 6.0, ("frozen", "added", "data"))
    return fig


def lora_shapes(d_in: int = 384, d_out: int = 384, r: int = 8):
    """LoRA on one weight, in the row-vector convention: h = x W0 + (alpha/r) x A B."""
    fig, ax = canvas(6.4, 3.6)
    box(ax, 0.2, 1.5, 1.0, 0.5, f"x\n1 × {d_in}", "data", fontsize=8)
    box(ax, 1.9, 2.35, 1.6, 0.9, f"W0\n{d_in} × {d_out}\nfrozen", "frozen", fontsize=8)
    box(ax, 1.9, 0.35, 0.7, 1.2, f"A\n{d_in} × {r}\nrandom", "added", fontsize=8)
    box(ax, 2.8, 0.75, 1.2, 0.4, f"B  {r} × {d_out}\nzero at start", "added", fontsize=7)
    box(ax, 4.5, 1.5, 0.5, 0.5, "+", "plain", fontsize=12)
    box(ax, 5.4, 1.5, 0.8, 0.5, f"h\n1 × {d_out}", "data", fontsize=8)
    arrow(ax, (1.2, 1.85), (1.9, 2.7))
    arrow(ax, (1.2, 1.65), (1.9, 1.0))
    arrow(ax, (2.6, 0.95), (2.8, 0.95))
    arrow(ax, (3.5, 2.8), (4.6, 2.0))
    arrow(ax, (4.0, 0.95), (4.6, 1.5), text="× α/r")
    arrow(ax, (5.0, 1.75), (5.4, 1.75))
    label(ax, 3.2, 3.45, f"h = x W0 + (α/r) x A B: {r * (d_in + d_out):,} trained numbers "
          f"instead of {d_in * d_out:,}", fontsize=8)
    return fig


def taxonomy():
    """PEFT methods in three families: choose what trains, add parameters, reparametrise the update."""
    fig, ax = canvas(7.2, 3.4)
    box(ax, 2.6, 2.85, 2.0, 0.4, "PEFT methods", "plain")
    families = [(0.15, "selective: train a part", "trained",
                 ["head only", "top K layers", "BitFit (biases)"]),
                (2.55, "additive: add and train", "added",
                 ["adapters: Houlsby, Pfeiffer", "Compacter (PHM adapters)",
                  "prefix tuning", "prompt tuning"]),
                (4.95, "reparametrised update", "added",
                 ["LoRA: ΔW = (α/r) A B", "QLoRA: LoRA on a 4-bit W0"])]
    for x, title, kind, members in families:
        box(ax, x, 2.0, 2.1, 0.45, title, kind, fontsize=8)
        arrow(ax, (3.6, 2.85), (x + 1.05, 2.45))
        for i, member in enumerate(members):
            box(ax, x + 0.1, 1.45 - i * 0.42, 1.9, 0.34, member, "plain", fontsize=7.5)
    label(ax, 3.6, 0.02, "grouping after Lialin et al. (2023): selective, additive, reparametrisation-based",
          fontsize=7, va="bottom")
    return fig
