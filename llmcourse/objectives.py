"""Pre-training objectives in plain PyTorch: BERT's masked language modelling (MLM) and
GPT's causal (next-token) language modelling (CLM)."""

from __future__ import annotations

from typing import Iterable

import torch
import torch.nn.functional as F

IGNORE_INDEX = -100  # the label PyTorch's cross-entropy skips: "no prediction here"


def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int, special_token_ids: Iterable[int] = (),
             mlm_probability: float = 0.15, generator: torch.Generator | None = None
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's corruption (devlin2019bert, section 3.1): select each non-special token with
    probability ``mlm_probability``; of the selected, 80% become ``[MASK]``, 10% a random token,
    10% stay as they are. Returns new ``(inputs, labels)``; labels are the original ids at
    selected positions and ``IGNORE_INDEX`` elsewhere. ``input_ids`` is not modified."""
    if input_ids.dtype not in (torch.int32, torch.int64):
        raise TypeError(f"input_ids must be an integer tensor of token ids, got dtype {input_ids.dtype}")
    if not 0.0 < mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in (0, 1], got {mlm_probability}")
    if not 0 <= mask_token_id < vocab_size:
        raise ValueError(f"mask_token_id={mask_token_id} is not an id of a vocabulary of size {vocab_size}")
    special = torch.isin(input_ids, torch.as_tensor(list(special_token_ids), dtype=input_ids.dtype))
    p = torch.full(input_ids.shape, mlm_probability).masked_fill(special, 0.0)
    selected = torch.bernoulli(p, generator=generator).bool()

    labels = input_ids.clone()
    labels[~selected] = IGNORE_INDEX
    inputs = input_ids.clone()
    to_mask = selected & torch.bernoulli(torch.full(input_ids.shape, 0.8), generator=generator).bool()
    inputs[to_mask] = mask_token_id
    # half of the remaining 20% of the selected positions get a random token, the rest keep theirs
    to_random = selected & ~to_mask & torch.bernoulli(torch.full(input_ids.shape, 0.5), generator=generator).bool()
    random_ids = torch.randint(vocab_size, input_ids.shape, generator=generator, dtype=input_ids.dtype)
    inputs[to_random] = random_ids[to_random]
    return inputs, labels


def mlm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of predicting the original token at the selected positions only
    (labels from :func:`mlm_mask`); logits have shape (batch, length, vocab)."""
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=IGNORE_INDEX)


def clm_loss(logits: torch.Tensor, input_ids: torch.Tensor, ignore_index: int = IGNORE_INDEX) -> torch.Tensor:
    """Mean next-token cross-entropy (radford2018improving): the logits at position t predict
    token t+1, so logits drop the last position and targets the first. Targets equal to
    ``ignore_index`` (for example padding) are skipped."""
    if logits.dim() != 3 or logits.shape[:2] != input_ids.shape:
        raise ValueError(f"logits must be (batch, length, vocab) matching input_ids {tuple(input_ids.shape)}, "
                         f"got {tuple(logits.shape)}")
    if input_ids.size(1) < 2:
        raise ValueError("a sequence needs at least 2 tokens to have a next token to predict")
    shifted_logits, targets = logits[:, :-1], input_ids[:, 1:]
    return F.cross_entropy(shifted_logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1),
                           ignore_index=ignore_index)
