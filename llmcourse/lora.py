"""LoRA (Hu et al., 2022): a frozen linear layer plus a trainable low-rank update
ΔW = (alpha / r) · B A, with B = 0 at the start so training begins exactly at W0."""

from __future__ import annotations

import math
from typing import Iterable

import torch
from torch import nn


class LoRALinear(nn.Module):
    """``base(x) + (alpha/r) · x Aᵀ Bᵀ``; ``merge()`` folds ΔW into ``base.weight``, ``unmerge()`` takes it out."""

    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        if not isinstance(base, nn.Linear):
            raise TypeError(f"LoRALinear wraps an nn.Linear, got {type(base).__name__}")
        if r < 1:
            raise ValueError(f"the rank r must be at least 1, got {r}")
        self.base, self.r, self.alpha = base, r, alpha
        self.scaling = alpha / r
        base.requires_grad_(False)
        self.A = nn.Parameter(torch.empty(r, base.in_features))    # random: a random projection to r dims
        self.B = nn.Parameter(torch.zeros(base.out_features, r))   # zero: ΔW = 0 at initialisation
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.merged = False

    def delta_weight(self) -> torch.Tensor:
        """ΔW = (alpha/r) · B A, the same shape as the base weight (out, in)."""
        return self.scaling * self.B @ self.A

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)
        if not self.merged:
            y = y + self.scaling * (x @ self.A.T) @ self.B.T
        return y

    @torch.no_grad()
    def merge(self) -> None:
        """W ← W0 + ΔW: inference then costs exactly what the base layer costs. Idempotent."""
        if not self.merged:
            self.base.weight += self.delta_weight()
            self.merged = True

    @torch.no_grad()
    def unmerge(self) -> None:
        """W ← W − ΔW, back to W0 up to float rounding. Idempotent."""
        if self.merged:
            self.base.weight -= self.delta_weight()
            self.merged = False


def lora_layers(model: nn.Module) -> dict[str, LoRALinear]:
    """Every LoRALinear of the model, by qualified name."""
    return {name: m for name, m in model.named_modules() if isinstance(m, LoRALinear)}


def apply_lora(model: nn.Module, target_modules: Iterable[str], r: int, alpha: float,
               modules_to_save: Iterable[str] = ()) -> tuple[int, int]:
    """Freeze ``model``, wrap every nn.Linear whose name ends with a target (``"query"``, ``"value"``,
    ``"dense"`` ...) in a LoRALinear, keep ``modules_to_save`` (e.g. the task head) trainable.

    Returns (trainable parameters, LoRA parameters)."""
    targets, keep = tuple(target_modules), tuple(modules_to_save)
    model.requires_grad_(False)
    matches = [(name, m) for name, m in model.named_modules()
               if isinstance(m, nn.Linear) and any(name == t or name.endswith("." + t) for t in targets)]
    if not matches:
        raise ValueError(f"no nn.Linear in the model is named like {targets}: check target_modules")
    for name, linear in matches:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, LoRALinear(linear, r, alpha))
    for name in keep:
        model.get_submodule(name).requires_grad_(True)
    lora = sum(p.numel() for m in lora_layers(model).values() for p in (m.A, m.B))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, lora


def lora_params(shapes: Iterable[tuple[int, int]], r: int) -> int:
    """Closed form: r · (d_in + d_out) per adapted (d_out, d_in) matrix."""
    return sum(r * (d_in + d_out) for d_out, d_in in shapes)


def merge_lora(model: nn.Module) -> None:
    """Fold every layer's scaled BA into its frozen weight: no extra cost at inference."""
    for m in lora_layers(model).values():
        m.merge()


def unmerge_lora(model: nn.Module) -> None:
    """Take every layer's scaled BA out of its weight again (W0 back, up to rounding)."""
    for m in lora_layers(model).values():
        m.unmerge()


def lora_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """A task's LoRA weights (every A and B), copied: what one stores per task."""
    return {f"{name}.{p}": getattr(m, p).detach().clone()
            for name, m in lora_layers(model).items() for p in ("A", "B")}


@torch.no_grad()
def load_lora_state(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Put a task's A and B into the LoRA layers (unmerged: merge afterwards if wanted)."""
    layers = lora_layers(model)
    if any(m.merged for m in layers.values()):
        raise RuntimeError("unmerge the current adapter before loading another one")
    expected = {f"{name}.{p}" for name in layers for p in ("A", "B")}
    if set(state) != expected:
        raise KeyError(f"LoRA state does not match the model: missing {sorted(expected - set(state))[:3]}, "
                       f"unexpected {sorted(set(state) - expected)[:3]}")
    for key, value in state.items():
        name, _, p = key.rpartition(".")
        getattr(layers[name], p).copy_(value)


def swap_lora(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Hot-swap: unmerge the current task's ΔW, load another task's A and B, merge them."""
    unmerge_lora(model)
    load_lora_state(model, state)
    merge_lora(model)
