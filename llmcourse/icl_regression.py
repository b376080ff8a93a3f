"""In-context linear regression (Garg et al., 2022): a small transformer trained on a family of
tasks y = x w, with a fresh w in every sequence, learns to solve a new task from the
demonstrations in its prompt, with no weight update. Row vectors throughout: x is (1, d)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .icl import Block, GPTConfig


def sample_tasks(batch: int, k: int, d: int, generator: torch.Generator | None = None,
                 noise_std: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch`` prompts of k pairs (x_i, y_i): x_i ~ N(0, I_d), w ~ N(0, I_d) per prompt,
    y_i = x_i w (+ noise). Returns xs (batch, k, d) and ys (batch, k)."""
    xs = torch.randn(batch, k, d, generator=generator)
    w = torch.randn(batch, d, 1, generator=generator)
    ys = (xs @ w).squeeze(-1)
    if noise_std:
        ys = ys + noise_std * torch.randn(ys.shape, generator=generator)
    return xs, ys


def interleave(xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
    """The prompt as a sequence of 2k vectors of size d + 1: x_1, y_1, x_2, y_2, ...; an x token
    is [x, 0] and a y token [0, ..., 0, y], so the two kinds never share a coordinate."""
    B, k, d = xs.shape
    x_tok = F.pad(xs, (0, 1))
    y_tok = F.pad(ys.unsqueeze(-1), (d, 0))
    return torch.stack([x_tok, y_tok], dim=2).view(B, 2 * k, d + 1)


class ICLRegressor(nn.Module):
    """A GPT-style decoder (pre-norm causal blocks, learned positions) that reads vectors instead of
    words: a linear read-in, and a linear read-out of y_i from the hidden state of the x_i token."""

    def __init__(self, d: int, k_max: int, d_model: int = 64, n_layer: int = 3, n_head: int = 4):
        super().__init__()
        cfg = GPTConfig(vocab_size=1, block_size=2 * k_max, n_layer=n_layer, n_head=n_head, d_model=d_model)
        self.d, self.k_max = d, k_max
        self.read_in = nn.Linear(d + 1, d_model)
        self.pos_emb = nn.Embedding(2 * k_max, d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model)
        self.read_out = nn.Linear(d_model, 1)

    def forward(self, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """Prediction of every y_i from x_1, y_1, ..., x_{i-1}, y_{i-1}, x_i (causal attention:
        the i-th prediction never sees y_i), shape (batch, k)."""
        seq = interleave(xs, ys)
        T = seq.shape[1]
        if T > 2 * self.k_max:
            raise ValueError(f"{T // 2} pairs, more than the k_max={self.k_max} the model was built for")
        h = self.read_in(seq) + self.pos_emb(torch.arange(T))
        for block in self.blocks:
            h = block(h)
        return self.read_out(self.ln_f(h))[:, ::2, 0]


class TaskStream:
    """An endless supply of fresh tasks, cut into ``steps`` batches of (xs, ys, ys): an iterable
    with a length, so ``llmcourse.training.train`` can run one pass over it with an MSE loss."""

    def __init__(self, steps: int, batch: int, k: int, d: int, seed: int = 0):
        self.steps, self.batch, self.k, self.d, self.seed = steps, batch, k, d, seed

    def __len__(self) -> int:
        return self.steps

    def __iter__(self):
        g = torch.Generator().manual_seed(self.seed)
        for _ in range(self.steps):
            xs, ys = sample_tasks(self.batch, self.k, self.d, g)
            yield xs, ys, ys


def least_squares_predictions(xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
    """The fitted-model baseline: for each i, w_hat = pinv(X_<i) y_<i (minimum-norm least squares
    on the i - 1 earlier pairs, 0 when there are none) and the prediction x_i w_hat, shape (batch, k)."""
    B, k, d = xs.shape
    preds = torch.zeros(B, k, dtype=xs.dtype)
    for i in range(1, k):
        w_hat = torch.linalg.pinv(xs[:, :i]) @ ys[:, :i, None]   # (B, d, 1)
        preds[:, i] = (xs[:, i:i + 1] @ w_hat)[:, 0, 0]
    return preds


def nearest_neighbour_predictions(xs: torch.Tensor, ys: torch.Tensor, n_neighbours: int = 3) -> torch.Tensor:
    """Garg et al.'s k-NN baseline: the mean y of the (up to) 3 earlier x_j closest to x_i."""
    B, k, _ = xs.shape
    preds = torch.zeros(B, k, dtype=xs.dtype)
    for i in range(1, k):
        dist = torch.cdist(xs[:, i:i + 1], xs[:, :i])[:, 0]       # (B, i)
        near = dist.topk(min(n_neighbours, i), largest=False).indices
        preds[:, i] = ys[:, :i].gather(1, near).mean(1)
    return preds


def squared_error_by_position(preds: torch.Tensor, ys: torch.Tensor, d: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and standard error over prompts of (prediction - y_i)^2 / d at each position i, where
    i is also the number of demonstrations before the query. With x, w ~ N(0, I_d), Var(y) = d,
    so predicting 0 scores 1.0 (Garg et al.'s normalisation)."""
    err = (preds - ys) ** 2
    return err.mean(0) / d, err.std(0) / d / err.shape[0] ** 0.5
