"""One training loop for every chapter: seeded, with a tqdm progress bar, and a history of
loss, accuracy, wall time and peak memory per epoch."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np
import psutil
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset, Subset, TensorDataset, default_collate
from .progress import progress as progress_bar


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch, and ask PyTorch for deterministic kernels.

    (String hashing is seeded only when the interpreter starts, so nothing here depends on it.)"""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


class EncodedTexts(TensorDataset):
    """(input_ids, attention_mask, label) rows, right-padded to one length (what ``encode`` returns)."""


def encode(tokenizer, texts: Sequence[str], labels: Sequence[int], max_length: int = 24) -> EncodedTexts:
    """Tokenise once, pad to ``max_length``: a dataset of (input_ids, attention_mask, label)."""
    enc = tokenizer(list(texts), padding="max_length", truncation=True, max_length=max_length, return_tensors="pt")
    return EncodedTexts(enc["input_ids"], enc["attention_mask"], torch.as_tensor(list(labels)))


def trim_padding(batch: list) -> list[torch.Tensor]:
    """Collate rows of encoded texts, then cut the padding columns no row of the batch uses: padded
    positions are masked anyway, so the model computes the same outputs with less work."""
    ids, mask, *rest = default_collate(batch)
    n = max(int(mask.sum(1).max()), 1)
    return [ids[:, :n], mask[:, :n], *rest]


def loader(dataset: Dataset, batch_size: int = 32, shuffle: bool = False, seed: int = 0) -> DataLoader:
    """A DataLoader whose shuffling order is fixed by ``seed``; batches of encoded texts lose their
    unused padding (``trim_padding``)."""
    base = dataset.dataset if isinstance(dataset, Subset) else dataset
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                      collate_fn=trim_padding if isinstance(base, EncodedTexts) else None,
                      generator=torch.Generator().manual_seed(seed) if shuffle else None)


def count_trainable(model: nn.Module) -> int:
    """Number of parameters the optimiser will update (requires_grad)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_params(model: nn.Module) -> int:
    """Number of parameters, trainable or frozen."""
    return sum(p.numel() for p in model.parameters())


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the OS (glibc's malloc_trim, where there is one),
    so that the next run's peak RSS is measured from a clean start."""
    gc.collect()
    libc = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
    if trim is not None:
        trim(0)


class PeakMemory:
    """Peak resident memory above the starting level, sampled every few milliseconds.

    On the CPU PyTorch has no allocator statistics, so the process's RSS is what we can
    measure honestly: it includes activations, gradients and optimiser states."""

    def __init__(self, interval: float = 0.005):
        self.interval, self.peak_bytes = interval, 0
        self._proc, self._stop = psutil.Process(), threading.Event()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._proc.memory_info().rss - self._start)
            time.sleep(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._start = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self._proc.memory_info().rss - self._start)


@dataclass
class History:
    """What a run leaves behind: one entry per epoch."""
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)      # wall time of each epoch's training
    step_loss: list[float] = field(default_factory=list)    # training loss of every step, for curves
    peak_memory_mb: float = 0.0                             # peak RSS above the start, in MB (nan: not measured)

    @property
    def train_seconds(self) -> float:
        return sum(self.seconds)


Forward = Callable[[nn.Module, Sequence[torch.Tensor]], tuple[torch.Tensor, torch.Tensor]]


def _forward(model: nn.Module, batch: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """The default way a batch becomes (logits, y): the last tensor is y, the others are the inputs."""
    *inputs, y = batch
    return model(*inputs), y


@torch.no_grad()
def evaluate(model: nn.Module, data: Iterable, loss_fn: Callable = F.cross_entropy,
             forward: Forward = _forward) -> tuple[float, float, torch.Tensor]:
    """Mean loss, accuracy and the predicted classes over ``data`` (batches of inputs..., y, or
    whatever ``forward(model, batch)`` turns into (logits, y)); targets of -100, the positions
    cross-entropy ignores, are left out of the accuracy too."""
    model.eval()
    losses, preds, ys, n = [], [], [], 0
    for batch in data:
        logits, y = forward(model, batch)
        losses.append(loss_fn(logits, y).item() * len(y))
        preds.append(logits.argmax(-1).flatten())
        ys.append(y.flatten())
        n += len(y)
    pred, y = torch.cat(preds), torch.cat(ys)
    kept = y != -100
    return sum(losses) / n, (pred[kept] == y[kept]).float().mean().item(), pred


def train(model: nn.Module, train_data: Iterable, val_data: Iterable | None = None, *, epochs: int = 3,
          lr: float = 5e-5, weight_decay: float = 0.0, optimizer: torch.optim.Optimizer | None = None,
          schedule: Callable[[int, int], float] | None = None, loss_fn: Callable = F.cross_entropy,
          clip_grad_norm: float | None = None, on_step: Callable[[int, int], None] | None = None,
          forward: Forward = _forward, measure_memory: bool = True, seed: int = 0, desc: str = "training",
          progress: bool = True) -> History:
    """Train ``model`` with AdamW (or the given optimiser) on its trainable parameters.

    ``train_data`` is anything with a length that yields batches (inputs..., y): a DataLoader or
    a list of tensors. ``schedule(step, total_steps)`` multiplies each group's initial learning
    rate per step (for example a slanted triangular schedule); ``on_step(step, total_steps)`` runs
    before each step (for example to unfreeze layers); ``clip_grad_norm`` caps the gradient's
    norm; ``forward(model, batch)`` says how a batch becomes (logits, y) for ``loss_fn`` (default:
    the last tensor is y, the others go to the model; a causal LM's is
    ``llmcourse.peft_experiment.causal_lm_forward``); validation runs after every epoch.
    ``measure_memory=False`` skips the peak-memory sampling thread (``peak_memory_mb`` is then nan),
    which costs a run of small steps about a tenth of its time on a busy CPU."""
    seed_everything(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer is None:
        if not params:
            raise ValueError("the model has no trainable parameters: unfreeze something before training")
        optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    base_lrs = [g["lr"] for g in optimizer.param_groups]
    total, step, history = epochs * len(train_data), 0, History()
    bar = progress_bar(total=total, desc=desc, disable=not progress, leave=False)
    with PeakMemory() if measure_memory else contextlib.nullcontext() as memory:
        for _ in range(epochs):
            model.train()
            start, running, n = time.perf_counter(), 0.0, 0
            for batch in train_data:
                if on_step is not None:
                    on_step(step, total)
                if schedule is not None:
                    for group, base in zip(optimizer.param_groups, base_lrs):
                        group["lr"] = base * schedule(step, total)
                logits, y = forward(model, batch)
                loss = loss_fn(logits, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if clip_grad_norm is not None:
                    nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], clip_grad_norm)
                optimizer.step()
                history.step_loss.append(loss.item())
                running, n, step = running + loss.item() * len(y), n + len(y), step + 1
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}")
            history.seconds.append(time.perf_counter() - start)
            history.train_loss.append(running / n)
            if val_data is not None:
                val_loss, val_acc, _ = evaluate(model, val_data, loss_fn, forward)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_acc)
    bar.close()
    history.peak_memory_mb = memory.peak_bytes / 2**20 if measure_memory else float("nan")
    return history


class CycledBatches:
    """A budget of ``steps`` batches taken from ``batches`` over and over (a new pass, for a
    DataLoader a new shuffle, each time it runs out), with a length, as ``train`` needs."""

    def __init__(self, batches: Iterable, steps: int):
        self.batches, self.steps = batches, steps

    def __len__(self) -> int:
        return self.steps

    def __iter__(self):
        n = 0
        while n < self.steps:
            start = n
            for batch in self.batches:
                yield batch
                n += 1
                if n == self.steps:
                    return
            if n == start:
                raise ValueError("CycledBatches: the batches are empty")


def minibatches(x: torch.Tensor, y: torch.Tensor, batch_size: int, steps: int, seed: int = 0) -> list:
    """A budget of ``steps`` mini-batches (x[idx], y[idx]) whatever the data size: shuffled epochs
    one after the other, leftovers of an epoch first in the next, so every example is seen
    equally often (the set-up of a low-resource sweep where tiny training sets repeat)."""
    g = torch.Generator().manual_seed(seed)
    order, batches = torch.empty(0, dtype=torch.long), []
    for _ in range(steps):
        while len(order) < batch_size:
            order = torch.cat([order, torch.randperm(len(x), generator=g)])
        idx, order = order[:batch_size], order[batch_size:]
        batches.append((x[idx], y[idx]))
    return batches
