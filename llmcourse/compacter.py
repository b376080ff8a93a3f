"""Compacter (Karimi Mahabadi et al., 2021): adapters whose projections are PHM layers,
W = Σ_{i=1..n} A_i ⊗ B_i, with the n×n "slow" matrices A_i shared by every layer and each
"fast" B_i = s_i t_iᵀ of rank r. A PHM layer has about 1/n of a dense layer's weights."""

from __future__ import annotations

import torch
from torch import nn

from .adapters import add_adapters


def shared_A(n: int) -> nn.Parameter:
    """The n matrices A_i (n×n) that all Compacter layers share."""
    A = torch.empty(n, n, n)
    nn.init.xavier_uniform_(A)
    return nn.Parameter(A)


class PHMLinear(nn.Module):
    """A linear map d_in → d_out whose weight is Σ_i A_i ⊗ B_i, B_i of shape (d_out/n, d_in/n).

    With ``r`` the B_i are low-rank, s_i t_iᵀ (LPHM); with ``zero_init`` W starts at 0."""

    def __init__(self, d_in: int, d_out: int, n: int, A: nn.Parameter, r: int | None = None,
                 zero_init: bool = False):
        super().__init__()
        if d_in % n or d_out % n:
            raise ValueError(f"n = {n} must divide both d_in = {d_in} and d_out = {d_out}")
        if A.shape != (n, n, n):
            raise ValueError(f"A must have shape ({n}, {n}, {n}), got {tuple(A.shape)}")
        self.n, self.r, self.A = n, r, A    # A is shared: registered here and in every other layer
        if r is None:
            self.B = nn.Parameter(torch.empty(n, d_out // n, d_in // n))
            nn.init.xavier_uniform_(self.B)
            if zero_init:
                nn.init.zeros_(self.B)
        else:
            self.s = nn.Parameter(torch.empty(n, d_out // n, r))
            self.t = nn.Parameter(torch.empty(n, d_in // n, r))
            nn.init.xavier_uniform_(self.s)
            nn.init.xavier_uniform_(self.t)
            if zero_init:
                nn.init.zeros_(self.s)
        self.bias = nn.Parameter(torch.zeros(d_out))

    def weight(self) -> torch.Tensor:
        """W = Σ_i A_i ⊗ B_i, shape (d_out, d_in)."""
        B = self.B if self.r is None else self.s @ self.t.transpose(1, 2)
        return sum(torch.kron(self.A[i], B[i]) for i in range(self.n))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.linear(x, self.weight(), self.bias)


def phm_params(d_in: int, d_out: int, n: int, r: int | None = None) -> int:
    """Closed form for one PHM layer's own parameters (shared A_i not included): bias plus
    n·(d_out/n)(d_in/n) = d_in·d_out/n for full B_i, or n·r·(d_out/n + d_in/n) = r(d_in + d_out) for low rank."""
    own = d_in * d_out // n if r is None else r * (d_in + d_out)
    return own + d_out


class PHMBottleneck(nn.Module):
    """Compacter's adapter branch, up(f(down(y))) with PHM projections; it adds 0 at the start (up's W = 0)."""

    def __init__(self, d_model: int, m: int, n: int, A: nn.Parameter, r: int | None = 1):
        super().__init__()
        self.down = PHMLinear(d_model, m, n, A, r)
        self.up = PHMLinear(m, d_model, n, A, r, zero_init=True)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.up(nn.functional.gelu(self.down(y)))


def add_compacter(bert: nn.Module, m: int, n: int, r: int | None = 1,
                  placement: str = "houlsby") -> list[nn.Parameter]:
    """Freeze a BertModel and add Compacter adapters at the adapter sites, all sharing one set of
    A_i; return the parameters added, the shared A_i once (the injector contract of finetune)."""
    A = shared_A(n)
    return add_adapters(bert, lambda d: PHMBottleneck(d, m, n, A, r), placement)


def compacter_params(d_model: int, m: int, n: int, r: int | None, n_adapters: int) -> int:
    """All trainable parameters of ``n_adapters`` Compacter adapters: their own plus the shared n³."""
    return n_adapters * (phm_params(d_model, m, n, r) + phm_params(m, d_model, n, r)) + n ** 3
