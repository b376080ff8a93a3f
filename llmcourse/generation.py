"""Decoding a causal LM one token at a time: greedy, temperature, top-k and top-p (nucleus)
sampling, on next-token logits of shape (batch, V). Plain PyTorch; the tests check each filter
against transformers' own logits warpers."""

from __future__ import annotations

from typing import Callable, Sequence

import torch


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(z / τ): τ < 1 sharpens the distribution, τ > 1 flattens it (τ → 0 is greedy)."""
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}; use greedy decoding for τ → 0")
    return logits / temperature


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest logits of each row and set the others to -inf (Fan et al., 2018).
    Logits tied with the k-th largest are kept, as in transformers' TopKLogitsWarper."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    k = min(k, logits.size(-1))
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, float("-inf"))


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Nucleus filtering (Holtzman et al., 2020): keep the smallest set of most likely tokens whose
    probabilities sum to at least p, set the rest to -inf. The most likely token is always kept."""
    if not 0.0 < p <= 1.0:
        raise ValueError(f"p must be in (0, 1], got {p}")
    if p == 1.0:  # the whole vocabulary (rounding in the cumulative sum must not drop its tail)
        return logits
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = torch.softmax(sorted_logits, dim=-1)
    mass_before = probs.cumsum(dim=-1) - probs        # probability of the tokens ranked above
    drop_sorted = mass_before >= p                    # the nucleus already holds p without it
    drop_sorted[..., 0] = False
    drop = drop_sorted.scatter(-1, order, drop_sorted)
    return logits.masked_fill(drop, float("-inf"))


def next_token_distribution(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                            top_p: float | None = None) -> torch.Tensor:
    """The sampling distribution over the vocabulary: temperature first, then top-k, then top-p
    (the order transformers' generate applies them)."""
    z = apply_temperature(logits.float(), temperature)
    if top_k is not None:
        z = top_k_filter(z, top_k)
    if top_p is not None:
        z = top_p_filter(z, top_p)
    return torch.softmax(z, dim=-1)


@torch.no_grad()
def generate(model: Callable[[torch.Tensor], torch.Tensor], idx: torch.Tensor, max_new_tokens: int, *,
             greedy: bool = False, temperature: float = 1.0, top_k: int | None = None,
             top_p: float | None = None, context_length: int | None = None,
             banned_ids: Sequence[int] = (), generator: torch.Generator | None = None) -> torch.Tensor:
    """Append ``max_new_tokens`` tokens to ``idx`` (batch, T): each step feeds the last
    ``context_length`` tokens to ``model`` (ids -> logits (batch, T, V)) and picks the next token
    from the logits at the last position, by argmax (greedy) or by sampling. ``banned_ids``
    (e.g. an unknown-word token) are never produced."""
    if max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
    for _ in range(max_new_tokens):
        window = idx if context_length is None else idx[:, -context_length:]
        logits = model(window)[:, -1, :].float()
        if banned_ids:
            logits[:, list(banned_ids)] = float("-inf")
        if greedy:
            next_id = logits.argmax(dim=-1, keepdim=True)
        else:
            probs = next_token_distribution(logits, temperature, top_k, top_p)
            next_id = torch.multinomial(probs, 1, generator=generator)
        idx = torch.cat([idx, next_id], dim=1)
    return idx
