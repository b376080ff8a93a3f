"""ULMFiT's schedules against the paper's formulas, and the AWD-LSTM pieces."""

import math
import random

import pytest
import torch
from torch import nn

from llmcourse.ulmfit import (AWDLSTM, ConcatPoolClassifier, LanguageModel, Vocab, discriminative_param_groups,
                              gradual_unfreeze, lm_batches, pad_batch, slanted_triangular_lr)


def paper_stlr(t, T, lr_max, cut_frac=0.1, ratio=32):
    cut = math.floor(T * cut_frac)
    p = t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))
    return lr_max * (1 + p * (ratio - 1)) / ratio


def test_stlr_matches_eq3_on_random_points():
    rng = random.Random(0)
    for _ in range(500):
        T = rng.randint(10, 10_000)
        t, lr = rng.randrange(T), rng.uniform(1e-5, 1.0)
        cut_frac, ratio = rng.choice([0.1, 0.2, 0.25]), rng.choice([32, 10, 100])
        assert slanted_triangular_lr(t, T, lr, cut_frac, ratio) == pytest.approx(paper_stlr(t, T, lr, cut_frac, ratio))


def test_stlr_shape():
    T, lr = 1000, 0.01
    assert slanted_triangular_lr(0, T, lr) == pytest.approx(lr / 32)
    assert slanted_triangular_lr(100, T, lr) == pytest.approx(lr)          # the peak at t = cut
    assert max(slanted_triangular_lr(t, T, lr) for t in range(T)) == pytest.approx(lr)
    assert slanted_triangular_lr(T, T, lr) == pytest.approx(lr / 32)       # back to the start after T steps


def test_stlr_without_warmup_step_is_an_error():
    with pytest.raises(ValueError, match="warm-up"):
        slanted_triangular_lr(0, 5, 0.01)


def test_discriminative_rates_divide_by_2_6_from_the_top():
    groups = [nn.Linear(2, 2) for _ in range(4)]
    pg = discriminative_param_groups(groups, 0.01)
    assert pg[-1]["lr"] == 0.01
    for lower, upper in zip(pg, pg[1:]):
        assert upper["lr"] / lower["lr"] == pytest.approx(2.6)
    torch.optim.SGD(pg)  # usable as it is


def test_gradual_unfreeze_opens_from_the_top():
    groups = [nn.Linear(2, 2) for _ in range(4)]
    for stage in range(4):
        gradual_unfreeze(groups, stage)
        assert [g.weight.requires_grad for g in groups] == [i >= 3 - stage for i in range(4)]


def test_awd_lstm_shapes_tying_and_weight_drop():
    torch.manual_seed(0)
    enc = AWDLSTM(50, d_emb=8, d_hidden=12, n_layers=3, weight_p=0.5)
    lm = LanguageModel(enc)
    x = torch.randint(1, 50, (3, 7))
    assert lm(x).shape == (3, 7, 50)
    lm.eval()
    assert torch.equal(lm(x), lm(x))                       # no dropout at evaluation
    lm.train()
    assert not torch.equal(lm(x), lm(x))                   # weight drop, locked and embedding dropout in training
    assert sum(p.data_ptr() == enc.embedding.weight.data_ptr() for p in lm.parameters()) == 1  # tied softmax


def test_classifier_concat_pooling_and_groups():
    enc = AWDLSTM(30, d_emb=8, d_hidden=12)
    clf = ConcatPoolClassifier(enc, n_classes=5).eval()
    x = pad_batch([[3, 4, 5], [6], []], 6)
    assert clf(x).shape == (3, 5)
    assert len(clf.layer_groups()) == 4 and clf.layer_groups()[-1] is clf.head


def test_vocab_and_batches():
    v = Vocab(["the cat sat", "the dog sat", "a bird"], min_freq=2)
    assert v.itos[:2] == ["<pad>", "<unk>"] and "the" in v.stoi and "bird" not in v.stoi
    assert v.encode("The bird") == [v.stoi["the"], 1]
    batches = lm_batches(torch.arange(100), batch_size=2, bptt=5)
    x, y = batches[0]
    assert x.shape == (2, 5) and torch.equal(y, x + 1)
