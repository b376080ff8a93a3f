"""Bottleneck adapters (Houlsby et al., 2019; Pfeiffer et al., 2021) inserted into a BERT encoder.

An adapter maps h ↦ h + W_up f(W_down h) with a bottleneck of m ≪ d_model units; W_up starts at
zero, so the adapted network starts as the pre-trained one."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn


class Adapter(nn.Module):
    """Down-projection d_model → m, nonlinearity, up-projection m → d_model, residual."""

    def __init__(self, d_model: int, m: int, init_std: float = 1e-2):
        super().__init__()
        self.down = nn.Linear(d_model, m)      # W_down, b_down
        self.act = nn.GELU()
        self.up = nn.Linear(m, d_model)        # W_up, b_up
        nn.init.normal_(self.down.weight, std=init_std)
        nn.init.zeros_(self.down.bias)
        nn.init.zeros_(self.up.weight)         # near-identity: the adapter adds exactly 0 at the start
        nn.init.zeros_(self.up.bias)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.up(self.act(self.down(h)))


def adapter_params(d_model: int, m: int) -> int:
    """Closed form for one adapter: 2·d·m weights + m + d biases."""
    return 2 * d_model * m + d_model + m


class AdaptedProjection(nn.Module):
    """A sublayer's output projection followed by an adapter. In BERT the result then goes
    through dropout, the residual addition and LayerNorm, which is where Houlsby et al. put it."""

    def __init__(self, dense: nn.Linear, adapter: nn.Module):
        super().__init__()
        self.dense, self.adapter = dense, adapter

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.adapter(self.dense(x))


PLACEMENTS = {
    "houlsby": ("attention.output", "output"),   # after the attention projection and after the FFN
    "pfeiffer": ("output",),                     # after the FFN only
}


def add_adapters(bert: nn.Module, make_adapter: Callable[[int], nn.Module] | int,
                 placement: str = "houlsby") -> list[nn.Module]:
    """Insert adapters into every layer of a transformers BertModel (in place) and return them.

    ``make_adapter`` is the bottleneck size m (a Houlsby ``Adapter``) or a factory d_model -> module
    (for example a Compacter adapter). Adapters are trainable; freeze the rest yourself first."""
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {sorted(PLACEMENTS)}, got {placement!r}")
    d_model = bert.config.hidden_size
    factory = (lambda d: Adapter(d, make_adapter)) if isinstance(make_adapter, int) else make_adapter
    adapters = []
    for layer in bert.encoder.layer:
        for path in PLACEMENTS[placement]:
            sublayer = layer.get_submodule(path)               # BertSelfOutput or BertOutput
            if isinstance(sublayer.dense, AdaptedProjection):
                raise RuntimeError("this model already has adapters at " + path)
            adapter = factory(d_model)
            sublayer.dense = AdaptedProjection(sublayer.dense, adapter)
            adapters.append(adapter)
    return adapters
