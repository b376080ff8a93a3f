"""Word-level text handling, written once for every chapter: one tokenizer, one vocabulary,
one padder, one mean-pooling and one next-token loss."""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import torch
import torch.nn.functional as F

# lower-cased words, numbers and single punctuation marks; letters and digits split apart, so
# "3bn" and "5bn" share the word "bn" and the vocabulary does not fill up with amounts
TOKEN_RE = re.compile(r"[a-z]+|[0-9]+|[^\sa-z0-9]")
PAD, UNK, EOS = 0, 1, 2


def tokenize(text: str) -> list[str]:
    """"Profits ROSE 5% to £3bn" -> profits, rose, 5, %, to, £, 3, bn."""
    return TOKEN_RE.findall(text.lower())


class Vocab:
    """The most frequent words of a corpus (at least ``min_freq`` times), after three specials:
    0 <pad>, 1 <unk>, 2 <eos>. ``max_size`` counts every entry, specials included; ``required``
    words (label words of a prompt, say) come first whatever their frequency."""

    specials = ("<pad>", "<unk>", "<eos>")

    def __init__(self, texts: Sequence[str], max_size: int = 8000, min_freq: int = 1,
                 required: Sequence[str] = ()):
        if max_size <= len(self.specials) + len(required):
            raise ValueError(f"max_size={max_size} leaves no room after the specials and {len(required)} required words")
        counts = Counter(w for t in texts for w in tokenize(t))
        words = list(dict.fromkeys(required))
        for w, c in counts.most_common():
            if len(words) + len(self.specials) >= max_size or c < min_freq:
                break
            if w not in words:
                words.append(w)
        self.itos = list(self.specials) + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id, self.unk_id, self.eos_id = PAD, UNK, EOS

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str, max_len: int | None = None) -> list[int]:
        """Token ids of ``text``, unknown words as <unk>, cut to ``max_len`` if given."""
        ids = [self.stoi.get(w, UNK) for w in tokenize(text)]
        return ids[:max_len] if max_len else ids

    def decode(self, ids: Sequence[int]) -> str:
        """The words of a list of ids, joined by spaces."""
        return " ".join(self.itos[i] for i in ids)

    def token_id(self, word: str) -> int:
        """The id of a one-token word, or a clear error (a label word must be a single token)."""
        toks = tokenize(word)
        if len(toks) != 1 or toks[0] not in self.stoi:
            raise ValueError(f"label word {word!r} is not a single in-vocabulary token; pass it in "
                             "Vocab(..., required=[...]) or choose another word")
        return self.stoi[toks[0]]


def pad_batch(seqs: Sequence[Sequence[int]], max_len: int | None = None, side: str = "right",
              pad_id: int = PAD) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad (with ``pad_id``, default <pad> = 0) or cut token-id lists to one (batch, max_len)
    tensor, max_len defaulting to the longest; an empty list becomes one <unk>. Returns
    (ids, lengths). ``side="right"`` puts the padding after each sequence (training batches);
    ``side="left"`` before it, so that every sequence ends in the last column, where generation
    continues."""
    if side not in ("right", "left"):
        raise ValueError(f"side must be 'right' or 'left', got {side!r}")
    seqs = [list(s[:max_len] if max_len else s) or [UNK] for s in seqs]
    lengths = torch.tensor([len(s) for s in seqs])
    width = max_len or int(lengths.max())
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        if side == "right":
            ids[i, :len(s)] = torch.tensor(s)
        else:
            ids[i, width - len(s):] = torch.tensor(s)
    return ids, lengths


def mean_pool(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the hidden states (batch, time, d) over the positions where ``mask`` is 1."""
    mask = mask.unsqueeze(-1).to(h.dtype)
    return (h * mask).sum(1) / mask.sum(1).clamp(min=1)


def lm_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over every position of a (batch, time, vocab) output
    (the targets are the inputs shifted one to the left)."""
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def lm_stream(vocab: Vocab, texts: Sequence[str]) -> torch.Tensor:
    """The texts as one token stream, each followed by <eos>."""
    return torch.tensor([i for t in texts for i in vocab.encode(t) + [EOS]])
