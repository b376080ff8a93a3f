"""Drawing primitives for the book's explanatory diagrams: boxes, arrows and labels on a blank canvas.

Each chapter draws its diagrams with these few functions at build time (matplotlib only), so every
diagram in the book has one look: light boxes with dark text, thin arrows, no axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# one palette for the whole book: frozen (grey), trained (orange), new/added (blue), data (green)
COLORS = {"frozen": "#e6e6e6", "trained": "#fdd49e", "added": "#c6dbef", "data": "#d9f0d3", "plain": "white"}


def canvas(width: float = 6.0, height: float = 4.0):
    """A figure with one axis in data units equal to inches (so 1 unit = 1 inch), no ticks or frame."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x: float, y: float, w: float, h: float, text: str = "", kind: str = "plain",
        fontsize: float = 9, **text_kw):
    """A rounded box with its lower-left corner at (x, y) and centred text; kind picks the colour."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.06",
                                facecolor=COLORS[kind], edgecolor="#333333", linewidth=0.9))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize, **text_kw)
    return (x, y, w, h)


def arrow(ax, start: tuple[float, float], end: tuple[float, float], text: str = "", fontsize: float = 8,
          style: str = "-|>", **kw):
    """An arrow from start to end with an optional label beside its middle."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=10, linewidth=0.9,
                                 color="#333333", shrinkA=2, shrinkB=2, **kw))
    if text:
        ax.text((start[0] + end[0]) / 2 + 0.06, (start[1] + end[1]) / 2, text, fontsize=fontsize,
                ha="left", va="center")


def label(ax, x: float, y: float, text: str, fontsize: float = 9, **kw):
    """Free text at (x, y), centred."""
    ax.text(x, y, text, ha=kw.pop("ha", "center"), va=kw.pop("va", "center"), fontsize=fontsize, **kw)


def legend(ax, x: float, y: float, kinds: tuple[str, ...] = ("frozen", "trained", "added"), fontsize: float = 8):
    """A row of small coloured squares naming what each colour means, starting at (x, y)."""
    for i, kind in enumerate(kinds):
        box(ax, x + i * 1.2, y, 0.18, 0.18, kind=kind)
        ax.text(x + i * 1.2 + 0.25, y + 0.09, kind, va="center", fontsize=fontsize)
