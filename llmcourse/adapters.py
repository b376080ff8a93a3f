"""Bottleneck adapters (Houlsby et al., 2019; Pfeiffer et al., 2021) injected into a BERT encoder.

An adapter adds a bottleneck branch to a sub-layer's output y (row vectors, y ∈ R^{1×d}):

    y ↦ y + f(y W_down + b_down) W_up + b_up,    W_down ∈ R^{d×m}, W_up ∈ R^{m×d}, m ≪ d.

W_up and b_up start at zero, so the adapted network starts as the pre-trained one. ``add_adapters``
follows the injector contract of ``llmcourse.finetune``."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .finetune import freeze_base


class Bottleneck(nn.Module):
    """The branch f(y W_down + b_down) W_up + b_up with the exact GELU as f; it adds 0 at the start.

    W_down is drawn from N(0, init_std²), Houlsby et al.'s near-identity initialisation."""

    def __init__(self, d_model: int, m: int, init_std: float = 1e-2):
        super().__init__()
        self.W_down = nn.Parameter(init_std * torch.randn(d_model, m))
        self.b_down = nn.Parameter(torch.zeros(m))
        self.W_up = nn.Parameter(torch.zeros(m, d_model))
        self.b_up = nn.Parameter(torch.zeros(d_model))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return F.gelu(y @ self.W_down + self.b_down) @ self.W_up + self.b_up


class AdapterLayer(nn.Module):
    """A frozen layer whose output y becomes y + branch(y). In BERT the result then goes through
    dropout, the residual addition and LayerNorm, which is where Houlsby et al. put the adapter."""

    def __init__(self, base_layer: nn.Module, branch: nn.Module):
        super().__init__()
        self.base_layer, self.branch = base_layer, branch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base_layer(x)
        return y + self.branch(y)


SITES = {
    "houlsby": ("attention.output", "output"),   # after the attention projection and after the FFN
    "pfeiffer": ("output",),                     # after the FFN only
}


def add_adapters(bert: nn.Module, branch: Callable[[int], nn.Module] | int,
                 placement: str = "houlsby") -> list[nn.Parameter]:
    """Freeze a transformers BertModel and wrap the output projection ``dense`` of every layer's
    sites in an ``AdapterLayer``; return the parameters added (each once).

    ``branch`` is the bottleneck size m (a ``Bottleneck``) or a factory d_model -> branch module
    (Compacter's, for example)."""
    if placement not in SITES:
        raise ValueError(f"placement must be one of {sorted(SITES)}, got {placement!r}")
    sites = [layer.get_submodule(path) for layer in bert.encoder.layer
             for path in SITES[placement]]               # BertSelfOutput or BertOutput
    if any(isinstance(sublayer.dense, AdapterLayer) for sublayer in sites):
        raise RuntimeError("this model already has adapters")
    make = (lambda d: Bottleneck(d, branch)) if isinstance(branch, int) else branch
    freeze_base(bert)
    added: dict[int, nn.Parameter] = {}
    for sublayer in sites:
        sublayer.dense = AdapterLayer(sublayer.dense, make(bert.config.hidden_size))
        added.update((id(p), p) for p in sublayer.dense.branch.parameters())
    return list(added.values())
