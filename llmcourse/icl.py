"""In-context learning, offline: a small decoder-only transformer LM (GPT-style, in plain PyTorch),
a word-level tokenizer, topic prompts that list the answers as a numbered menu ("0: politics,
1: sports, ..."), and a classifier that picks the label word the LM finds most likely after the prompt."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset
from .progress import progress as tqdm
from .text import TOKEN_RE, Vocab, lm_loss, mean_pool, pad_batch  # noqa: F401  (lm_loss re-exported)

# ---------------------------------------------------------------- tokenizer

class WordTokenizer(Vocab):
    """``llmcourse.text.Vocab`` with the ``vocab_size`` most frequent words (specials included) and
    the ``required`` label words; a small vocabulary keeps the LM's V x d_model output layer cheap."""

    def __init__(self, texts: Sequence[str], vocab_size: int = 6000, required: Sequence[str] = ()):
        super().__init__(texts, max_size=vocab_size, required=required)


# ---------------------------------------------------------------- model (nanoGPT-style)

@dataclass
class GPTConfig:
    """The shape of the small causal LM (nanoGPT's names)."""
    vocab_size: int
    block_size: int = 128   # context length T
    n_layer: int = 2
    n_head: int = 4
    d_model: int = 128
    dropout: float = 0.0


class CausalSelfAttention(nn.Module):
    """softmax(Q K^T / sqrt(d_head) + M) V with M = -inf above the diagonal: token t sees only tokens <= t."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        if cfg.d_model % cfg.n_head:
            raise ValueError(f"d_model={cfg.d_model} must be divisible by n_head={cfg.n_head}")
        self.n_head, self.dropout = cfg.n_head, cfg.dropout
        self.W_qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.W_o = nn.Linear(cfg.d_model, cfg.d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        q, k, v = self.W_qkv(x).split(d, dim=2)
        q, k, v = (z.view(B, T, self.n_head, d // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True,  # the causal mask M, fused
                                           dropout_p=self.dropout if self.training else 0.0)
        return self.W_o(y.transpose(1, 2).reshape(B, T, d))


class MLP(nn.Module):
    """The block's feed-forward part: d_model -> 4 d_model -> d_model with GELU."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.fc, self.proj = nn.Linear(cfg.d_model, 4 * cfg.d_model), nn.Linear(4 * cfg.d_model, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.proj(F.gelu(self.fc(x))))


class Block(nn.Module):
    """Pre-LayerNorm transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(cfg.d_model), CausalSelfAttention(cfg)
        self.ln_2, self.mlp = nn.LayerNorm(cfg.d_model), MLP(cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class CausalLM(nn.Module):
    """Token + learned position embeddings, n_layer blocks, final LayerNorm, and an output head
    tied to the token embedding (the same V x d_model matrix reads and writes words)."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.block_size, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.head.weight = self.tok_emb.weight  # weight tying
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def hidden(self, idx: torch.Tensor) -> torch.Tensor:
        """Final hidden states (B, T, d_model) of token ids ``idx`` (B, T)."""
        T = idx.shape[1]
        if T > self.cfg.block_size:
            raise ValueError(f"sequence of {T} tokens is longer than the context ({self.cfg.block_size}); truncate it")
        x = self.drop(self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device)))
        for block in self.blocks:
            x = block(x)
        return self.ln_f(x)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Next-token logits (B, T, V)."""
        return self.head(self.hidden(idx))


def lm_windows(tokenizer: WordTokenizer, texts: Sequence[str], block_size: int) -> TensorDataset:
    """The texts joined by <eos> into one stream and cut into (x, y) windows of ``block_size``,
    y being x shifted one token to the left: a dataset for ``training.train`` with ``lm_loss``."""
    stream = []
    for text in texts:
        stream += tokenizer.encode(text) + [tokenizer.eos_id]
    n = (len(stream) - 1) // block_size
    if n == 0:
        raise ValueError(f"the texts give {len(stream)} tokens, fewer than one window of {block_size + 1}")
    data = torch.tensor(stream[: n * block_size + 1])
    x = data[:-1].view(n, block_size)
    y = data[1:].view(n, block_size)
    return TensorDataset(x, y)


class CausalLMClassifier(nn.Module):
    """The causal LM with a linear head on the hidden state of the last real token (GPT-1's recipe):
    fine-tuning, for comparison with prompting the same network."""

    def __init__(self, lm: CausalLM, n_classes: int):
        super().__init__()
        self.lm = lm
        self.classifier = nn.Linear(lm.cfg.d_model, n_classes)

    def forward(self, idx: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        h = self.lm.hidden(idx)
        return self.classifier(h[torch.arange(len(idx)), lengths - 1])


# ---------------------------------------------------------------- prompts

def label_menu(label_words: Sequence[str]) -> str:
    """The answers a prompt offers, numbered from 0 for any number of labels: '0: business, 1: ...'."""
    return ", ".join(f"{i}: {w}" for i, w in enumerate(label_words))


def format_example(text: str, label_word: str | None = None, rationale: str | None = None) -> str:
    """One demonstration (with its label) or the query (without): 'Article: ... Topic: <label>'.

    A chain-of-thought demonstration puts a rationale before the answer."""
    reason = f" Reasoning: {rationale}" if rationale else ""
    return f"Article: {text}{reason} Topic:" + (f" {label_word}" if label_word is not None else "")


def build_prompt(text: str, label_words: Sequence[str], demonstrations: Sequence[tuple[str, str]] = ()) -> str:
    """Instruction with the label menu, k demonstrations (text, label word), then the query."""
    head = f"Classify the topic of the article. Topics: {label_menu(label_words)}."
    shots = [format_example(t, w) for t, w in demonstrations]
    return "\n\n".join([head, *shots, format_example(text)])


def truncate_words(text: str, n_tokens: int) -> str:
    """The first ``n_tokens`` tokens of a text (words and punctuation), so prompts fit the context."""
    return " ".join(TOKEN_RE.findall(text.lower())[:n_tokens])


def sample_demonstrations(pool: Sequence[tuple[str, int]], k: int, rng: random.Random) -> list[tuple[str, int]]:
    """k (text, label) pairs drawn without replacement from the training pool."""
    if k > len(pool):
        raise ValueError(f"k={k} demonstrations but the pool has only {len(pool)} examples")
    return rng.sample(list(pool), k)


CONTENT_FREE = "n / a"  # Zhao et al. (2021): the same prompt with a content-free input measures the LM's bias


# ---------------------------------------------------------------- scoring

@torch.no_grad()
def next_token_logprobs(model: CausalLM, prompts: Sequence[list[int]], batch_size: int = 64,
                        progress: bool = False, desc: str = "scoring") -> torch.Tensor:
    """log p(next token | prompt) for each prompt, (n, V). Prompts are right-padded: with causal
    attention the pads after the last real token cannot change its output."""
    model.eval()
    block = model.cfg.block_size
    too_long = [len(p) for p in prompts if len(p) > block or len(p) == 0]
    if too_long:
        raise ValueError(f"{len(too_long)} prompts are empty or longer than the context of {block} tokens "
                         f"(e.g. {too_long[0]}); use fewer demonstrations or shorter texts")
    out = []
    for start in tqdm(range(0, len(prompts), batch_size), desc=desc, disable=not progress, leave=False):
        ids, lengths = pad_batch(list(prompts[start:start + batch_size]))
        h = model.hidden(ids)[torch.arange(len(ids)), lengths - 1]  # the output head only where it is read
        out.append(F.log_softmax(model.head(h), dim=-1))
    return torch.cat(out)


@torch.no_grad()
def continuation_logprobs(model: CausalLM, prefixes: Sequence[list[int]], continuations: Sequence[list[int]],
                          batch_size: int = 64, progress: bool = False, desc: str = "scoring") -> torch.Tensor:
    """Mean log p(continuation tokens | prefix) of each (prefix, continuation) pair, (n,): the
    per-token log-likelihood, so continuations of different lengths compare fairly."""
    if len(prefixes) != len(continuations):
        raise ValueError(f"{len(prefixes)} prefixes but {len(continuations)} continuations")
    model.eval()
    block = model.cfg.block_size
    seqs = [list(p) + list(c) for p, c in zip(prefixes, continuations)]
    bad = [len(s) for s, c, p in zip(seqs, continuations, prefixes) if len(s) > block or not c or not p]
    if bad:
        raise ValueError(f"{len(bad)} prompts are longer than the context of {block} tokens or have an empty "
                         f"prefix or continuation (e.g. {bad[0]} tokens); shorten them")
    out = []
    for start in tqdm(range(0, len(seqs), batch_size), desc=desc, disable=not progress, leave=False):
        chunk = seqs[start:start + batch_size]
        ids, lengths = pad_batch(chunk)
        logp = F.log_softmax(model(ids[:, :-1]), dim=-1).gather(-1, ids[:, 1:, None])[..., 0]  # log p(x_t | x_<t)
        for i, s in enumerate(chunk):
            n_c = len(continuations[start + i])
            out.append(logp[i, len(s) - 1 - n_c: len(s) - 1].mean())
    return torch.stack(out)


def label_scores(model: CausalLM, tokenizer: WordTokenizer, prompts: Sequence[str], label_words: Sequence[str],
                 **kw) -> torch.Tensor:
    """log p(label word | prompt) for each prompt and label, (n, K). Each label word is one token,
    so one forward pass per prompt scores every label at once."""
    label_ids = torch.tensor([tokenizer.token_id(w) for w in label_words])
    logp = next_token_logprobs(model, [tokenizer.encode(p) for p in prompts], **kw)
    return logp[:, label_ids]


def classify(model: CausalLM, tokenizer: WordTokenizer, texts: Sequence[str], label_words: Sequence[str],
             demonstrations: Sequence[Sequence[tuple[str, str]]] | None = None, calibrate: bool = True,
             **kw) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted class and label scores per text. ``demonstrations[i]`` are text i's (text, label word)
    shots (none: zero-shot). With ``calibrate``, the score of each label is its log-probability minus
    the log-probability it gets when the article is replaced by a content-free input, which removes
    the LM's prior preference for some label words."""
    shots = demonstrations if demonstrations is not None else [()] * len(texts)
    if len(shots) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(shots)} demonstration sets")
    scores = label_scores(model, tokenizer, [build_prompt(t, label_words, s) for t, s in zip(texts, shots)],
                          label_words, **kw)
    if calibrate:
        scores = scores - label_scores(model, tokenizer, [build_prompt(CONTENT_FREE, label_words, s) for s in shots],
                                       label_words, **kw)
    return scores.argmax(-1), scores


def classify_channel(model: CausalLM, tokenizer: WordTokenizer, texts: Sequence[str], label_words: Sequence[str],
                     demonstrations: Sequence[Sequence[tuple[str, str]]] | None = None,
                     **kw) -> tuple[torch.Tensor, torch.Tensor]:
    """The noisy-channel direction (Min et al., 2022): score each label by the per-token likelihood of
    the article after a prompt that names the label, log p(text | 'Topic: <label> Article:'). The
    article, not one rare label word, carries the evidence, and no label prior needs calibrating."""
    shots = demonstrations if demonstrations is not None else [()] * len(texts)
    if len(shots) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(shots)} demonstration sets")
    head = f"Classify the topic of the article. Topics: {label_menu(label_words)}."
    prefixes, conts = [], []
    for text, demos in zip(texts, shots):
        body = tokenizer.encode(text)
        for w in label_words:
            tokenizer.token_id(w)  # a clear error for a label word outside the vocabulary
            shown = [f"Topic: {lw} Article: {t}" for t, lw in demos]
            prefixes.append(tokenizer.encode("\n\n".join([head, *shown, f"Topic: {w} Article:"])))
            conts.append(body)
    scores = continuation_logprobs(model, prefixes, conts, **kw).view(len(texts), len(label_words))
    return scores.argmax(-1), scores


@torch.no_grad()
def sentence_embeddings(encoder: nn.Module, tokenizer, texts: Sequence[str], max_length: int = 48,
                        batch_size: int = 64, progress: bool = False, desc: str = "embedding") -> torch.Tensor:
    """Mean-pooled, L2-normalised embeddings from a sentence encoder such as all-MiniLM-L6-v2
    (the pooling it was trained with): forward passes only, no training."""
    encoder.eval()
    out = []
    for start in tqdm(range(0, len(texts), batch_size), desc=desc, disable=not progress, leave=False):
        enc = tokenizer(list(texts[start:start + batch_size]), padding=True, truncation=True,
                        max_length=max_length, return_tensors="pt")
        h = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        out.append(F.normalize(mean_pool(h, enc["attention_mask"]), dim=-1))
    return torch.cat(out)


def nearest_label(embeddings: torch.Tensor, label_embeddings: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The label whose (normalised) embedding has the highest cosine similarity with each text, and the
    similarities (n, K): zero-shot with label descriptions, few-shot with the mean of k examples per label."""
    sims = embeddings @ F.normalize(label_embeddings, dim=-1).T
    return sims.argmax(-1), sims


# ---------------------------------------------------------------- costs and evidence

def forward_flops(n_tokens: int, d_model: int, n_layer: int) -> tuple[float, float]:
    """FLOPs of one forward pass over a prompt of ``n_tokens``: (the weight matmuls, 24 n d^2 per layer
    for Q, K, V, output and a 4d MLP; the attention scores and weighted sum, 4 n^2 d per layer)."""
    linear = 24 * n_tokens * d_model ** 2 * n_layer
    attention = 4 * n_tokens ** 2 * d_model * n_layer
    return float(linear), float(attention)


def keyword_evidence(train_texts: Sequence[str], train_labels: Sequence[int], texts: Sequence[str],
                     n_classes: int, n_keywords: int = 30, min_count: int = 5) -> tuple[np.ndarray, list[list[str]]]:
    """Keywords per class (the words with the highest smoothed log-odds of the class against the rest
    in the training texts) and, for each text, how many of each class's keywords it contains, (n, K)."""
    counts = [Counter() for _ in range(n_classes)]
    for text, y in zip(train_texts, train_labels):
        counts[y].update(set(TOKEN_RE.findall(text.lower())))  # document frequency
    total = sum(counts, Counter())
    docs = np.bincount(np.asarray(train_labels), minlength=n_classes)
    keywords = []
    for c in range(n_classes):
        rest = docs.sum() - docs[c]
        def log_odds(w: str) -> float:
            a, b = counts[c][w] + 0.5, total[w] - counts[c][w] + 0.5
            return math.log(a / (docs[c] - a + 1)) - math.log(b / (rest - b + 1))
        cands = [w for w, n in total.items() if n >= min_count and w.isalpha()]
        keywords.append(sorted(cands, key=lambda w: (-log_odds(w), w))[:n_keywords])
    sets = [set(k) for k in keywords]
    evidence = np.array([[len(s & set(TOKEN_RE.findall(t.lower()))) for s in sets] for t in texts], dtype=float)
    return evidence, keywords
