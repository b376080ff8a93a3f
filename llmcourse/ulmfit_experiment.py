"""The ULMFiT experiment of the book on BBC News: data, the two LM stages, one classifier run
and a linear probe, so that the chapter shows only the comparisons and their results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from .data import Article, load_bbc_news
from .text import Vocab, lm_loss, lm_stream, pad_batch
from .ulmfit import AWDLSTM, ConcatPoolClassifier, LanguageModel, error_rate, lm_batches, train_classifier, train_lm

# the chapter's settings, one place; the chapter prints them
CONFIG = dict(vocab=4000, d_emb=64, d_hidden=128, n_layers=2, embed_p=0.0125, hidden_p=0.05, weight_p=0.075,
              output_p=0.025, batch=32, bptt=30, general_steps=600, target_steps=80, lm_lr=1e-2,
              max_len=56, lead_words=40, clf_steps=100, clf_lr=1e-2)


def classifier_text(a: Article) -> str:
    """What the classifier reads: the headline and the first 40 words of the article."""
    return a.headline + " . " + " ".join(a.body.split()[:CONFIG["lead_words"]])


@dataclass
class BBCData:
    vocab: Vocab
    general: torch.Tensor   # stage 1: article bodies of the training split, one token stream
    target: torch.Tensor    # stage 2: the classifier's texts of the training split, labels unused
    held_out: torch.Tensor  # validation bodies: the LMs' perplexity, never trained on
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    x_val: torch.Tensor     # the validation articles' classifier texts: choosing rates, never test
    y_val: torch.Tensor


def prepare() -> BBCData:
    """Vocabulary from the training bodies only; no test article is read by an LM."""
    splits = load_bbc_news()
    vocab = Vocab([a.body for a in splits.train], max_size=CONFIG["vocab"], min_freq=2)
    x = lambda arts: pad_batch([vocab.encode(classifier_text(a)) for a in arts], CONFIG["max_len"])[0]
    y = lambda arts: torch.tensor([a.label for a in arts])
    return BBCData(vocab, lm_stream(vocab, [a.body for a in splits.train]),
                   lm_stream(vocab, [classifier_text(a) for a in splits.train]),
                   lm_stream(vocab, [a.body for a in splits.validation]),
                   x(splits.train), y(splits.train), x(splits.test), y(splits.test),
                   x(splits.validation), y(splits.validation))


def awd_lstm(vocab_size: int) -> AWDLSTM:
    c = CONFIG
    return AWDLSTM(vocab_size, c["d_emb"], c["d_hidden"], c["n_layers"], c["embed_p"], c["hidden_p"], c["weight_p"])


@torch.no_grad()
def perplexity(lm: LanguageModel, stream: torch.Tensor, max_batches: int = 40) -> float:
    """exp(mean next-token cross-entropy) on a held-out stream, in evaluation mode."""
    lm.eval()
    batches = lm_batches(stream, CONFIG["batch"], CONFIG["bptt"])[:max_batches]
    loss = sum(lm_loss(lm(x), y).item() for x, y in batches)  # the loss stages 1 and 2 train on
    return float(np.exp(loss / len(batches)))


def pretrain(data: BBCData, general_steps: int | None = None, seed: int = 0) -> dict:
    """Stages 1 and 2: returns the encoder states after each, the per-step losses and held-out
    perplexities."""
    c = CONFIG
    steps = general_steps or c["general_steps"]
    torch.manual_seed(seed)
    lm = LanguageModel(awd_lstm(len(data.vocab)), output_p=c["output_p"])
    ppl_random = perplexity(lm, data.held_out)
    general = lm_batches(data.general, c["batch"], c["bptt"])
    loss1 = train_lm(lm, [general[i % len(general)] for i in range(steps)], lr=c["lm_lr"], seed=seed,
                     desc="stage 1: general-domain LM")
    state1 = {k: v.clone() for k, v in lm.encoder.state_dict().items()}
    ppl1 = perplexity(lm, data.held_out)
    target = lm_batches(data.target, c["batch"], c["bptt"])
    loss2 = train_lm(lm, target[:c["target_steps"]], lr=c["lm_lr"], discriminative=True, seed=seed,
                     desc="stage 2: target-task LM")
    return dict(general=state1, target={k: v.clone() for k, v in lm.encoder.state_dict().items()},
                loss1=loss1, loss2=loss2, ppl_random=ppl_random, ppl_general=ppl1,
                ppl_target=perplexity(lm, data.held_out))


def subset(n: int, seed: int, size: int) -> torch.Tensor:
    """The same n training examples for every method with this seed."""
    return torch.randperm(size, generator=torch.Generator().manual_seed(seed))[:n]


def classify(data: BBCData, n: int, encoder_state: dict | None = None, seed: int = 0, **tricks) -> float:
    """Test error of a classifier trained on n labelled examples; ``encoder_state`` None means
    from scratch (one rate for every layer, everything trainable from the start)."""
    return run(data, n, encoder_state, seed, **tricks)["test_error"]


def run(data: BBCData, n: int, encoder_state: dict | None = None, seed: int = 0, *, lr: float | None = None,
        steps: int | None = None, record_every: int = 0, curve_train: int = 400, **tricks) -> dict:
    """One classifier run, as ``classify`` (rate and budget default to CONFIG's): its validation and
    test errors and, with ``record_every`` k, a learning curve: every k steps (and after the last)
    the error on (at most ``curve_train`` of) its n training examples and on the validation split,
    in evaluation mode. The curve changes nothing in the run: evaluation draws no random numbers
    and updates no statistics."""
    torch.manual_seed(seed)
    clf = ConcatPoolClassifier(awd_lstm(len(data.vocab)), n_classes=5)
    if encoder_state is None:
        tricks = dict(dict(gradual=False, discriminative=False), **tricks)
    else:
        clf.encoder.load_state_dict(encoder_state)
    idx = subset(n, seed, len(data.x_train))
    x, y = data.x_train[idx], data.y_train[idx]
    steps, lr = steps or CONFIG["clf_steps"], lr or CONFIG["clf_lr"]
    curve = dict(step=[], train_error=[], val_error=[])

    def record(step: int) -> None:
        if step % record_every == 0 or step == steps:
            curve["step"].append(step)
            curve["train_error"].append(error_rate(clf, x[:curve_train], y[:curve_train]))
            curve["val_error"].append(error_rate(clf, data.x_val, data.y_val))

    loss = train_classifier(clf, x, y, steps=steps, lr=lr, seed=seed, desc=f"n = {n}",
                            monitor=record if record_every else None, **tricks)
    return dict(n=n, seed=seed, lr=lr, steps=steps, step_loss=loss, curve=curve if record_every else None,
                val_error=error_rate(clf, data.x_val, data.y_val), test_error=error_rate(clf, data.x_test, data.y_test))


@torch.no_grad()
def pooled_features(data: BBCData, encoder_state: dict | None, x: torch.Tensor, seed: int = 0) -> np.ndarray:
    """ConcatPoolClassifier's input, [h_T, max-pool, mean-pool], from a frozen encoder."""
    torch.manual_seed(seed)
    clf = ConcatPoolClassifier(awd_lstm(len(data.vocab)), n_classes=5)
    if encoder_state is not None:
        clf.encoder.load_state_dict(encoder_state)
    clf.head = torch.nn.Identity()
    return clf.eval()(x).numpy()


def probe_error(train_features: np.ndarray, y_train: torch.Tensor, test_features: np.ndarray, y_test: torch.Tensor,
                n: int, seed: int) -> float:
    """Test error of a logistic regression on frozen features from n labelled examples: how much
    topic information the features carry, with no fine-tuning in the way."""
    idx = subset(n, seed, len(train_features)).numpy()
    mu, sd = train_features.mean(0), train_features.std(0) + 1e-6
    model = LogisticRegression(max_iter=3000).fit((train_features[idx] - mu) / sd, y_train[idx].numpy())
    return 1 - model.score((test_features - mu) / sd, y_test.numpy())
