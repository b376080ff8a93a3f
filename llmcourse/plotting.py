"""Plotting helpers shared by the chapters: one look for every figure in the book."""

from __future__ import annotations

from typing import Mapping, Sequence


import matplotlib.pyplot as plt
import numpy as np


def figure(width: float = 6.0, height: float = 3.6):
    """A new figure and axes with the book's size and grid."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.grid(True, alpha=0.3)
    return fig, ax


def plot_curves(curves: Mapping[str, Sequence[float]], xlabel: str = "epoch", ylabel: str = "validation accuracy",
                x: Sequence[float] | None = None, title: str | None = None, ax=None):
    """One line per named curve (for example validation accuracy per epoch of several runs)."""
    if ax is None:
        _, ax = figure()
    for name, ys in curves.items():
        xs = list(x) if x is not None else list(range(1, len(ys) + 1))
        ax.plot(xs, ys, marker="o", label=name)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax


def plot_confusion(matrix: np.ndarray, labels: Sequence[str], title: str = "confusion matrix", ax=None):
    """A confusion matrix with counts in the cells (rows: reference label, columns: prediction)."""
    if ax is None:
        _, ax = figure(4.8, 4.2)
        ax.grid(False)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="reference", title=title)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    return ax
