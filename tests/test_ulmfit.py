"""ULMFiT's schedules against the paper's formulas, and the AWD-LSTM pieces."""

import math
import random

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from llmcourse.ulmfit import (AWDLSTM, lstm_params, ConcatPoolClassifier, LanguageModel, LockedDropout, Vocab, WeightDropLSTM,
                              discriminative_param_groups, error_rate, gradual_unfreeze, lm_batches, pad_batch,
                              slanted_triangular_lr, stlr_multiplier, tokenize, train_classifier, train_lm)


def paper_p(t, T, cut_frac=0.1):
    """Howard & Ruder (2018), eq. 3, written out again from the paper."""
    cut = math.floor(T * cut_frac)
    return t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))


def paper_stlr(t, T, lr_max, cut_frac=0.1, ratio=32):
    return lr_max * (1 + paper_p(t, T, cut_frac) * (ratio - 1)) / ratio


# ---- slanted triangular learning rates ------------------------------------------------------

def test_stlr_matches_eq3_on_random_points():
    rng = random.Random(0)
    checked = 0
    for _ in range(2000):
        T = rng.randint(10, 10_000)
        t, lr = rng.randint(0, T), rng.uniform(1e-5, 1.0)
        cut_frac, ratio = rng.choice([0.1, 0.2, 0.25, 0.3]), rng.choice([32, 10, 100, 1])
        if math.floor(T * cut_frac) == 0 or paper_p(t, T, cut_frac) < 0:
            continue  # the overshoot tail is tested below
        checked += 1
        assert slanted_triangular_lr(t, T, lr, cut_frac, ratio) == pytest.approx(paper_stlr(t, T, lr, cut_frac, ratio),
                                                                                rel=1e-12)
    assert checked > 1500


@pytest.mark.parametrize("T", [10, 100, 1000, 5000, 12_340])
def test_stlr_start_peak_end_when_T_times_cut_frac_is_whole(T):
    lr, cut = 0.01, T // 10
    rates = [slanted_triangular_lr(t, T, lr) for t in range(T + 1)]
    assert rates[0] == pytest.approx(lr / 32)                         # starts at lr_max / ratio
    assert rates[cut] == pytest.approx(lr) and max(rates) == rates[cut]  # the peak is at t = cut
    assert rates[T] == pytest.approx(lr / 32)                         # back to lr_max / ratio at t = T
    assert all(a < b for a, b in zip(rates[:cut], rates[1:cut + 1]))  # short rise
    assert all(a > b for a, b in zip(rates[cut:], rates[cut + 1:]))   # long decay
    assert all(r == pytest.approx(paper_stlr(t, T, lr)) for t, r in enumerate(rates))


def test_stlr_tail_is_floored_where_eq3_would_go_negative():
    # T = 109: cut = 10, but cut * (1/cut_frac - 1) = 90 < T - cut = 99, so eq. 3 overshoots
    T, lr = 109, 1.0
    assert paper_stlr(T, T, lr) < 0                                  # the paper's formula, taken literally
    for t in range(T + 1):
        expected = paper_stlr(t, T, lr) if paper_p(t, T) >= 0 else lr / 32
        assert slanted_triangular_lr(t, T, lr) == pytest.approx(expected)
    assert min(slanted_triangular_lr(t, T, lr) for t in range(T + 1)) == pytest.approx(lr / 32)


@pytest.mark.parametrize("T, cut_frac", [(0, 0.1), (5, 0.1), (9, 0.1), (3, 0.25)])
def test_stlr_without_a_warmup_step_is_a_clear_error(T, cut_frac):
    with pytest.raises(ValueError, match="no warm-up step"):
        slanted_triangular_lr(0, T, 0.01, cut_frac)


def test_stlr_rejects_steps_outside_the_schedule_and_bad_settings():
    with pytest.raises(ValueError, match="outside"):
        slanted_triangular_lr(101, 100, 0.01)
    with pytest.raises(ValueError, match="outside"):
        slanted_triangular_lr(-1, 100, 0.01)
    with pytest.raises(ValueError, match="cut_frac"):
        slanted_triangular_lr(0, 100, 0.01, cut_frac=1.5)
    assert slanted_triangular_lr(1, 10, 0.01) == pytest.approx(0.01)  # the smallest schedule: cut = 1


def test_stlr_multiplier_drives_the_shared_training_loop_schedule():
    f = stlr_multiplier()
    assert [f(t, 200) for t in (0, 20, 200)] == pytest.approx([1 / 32, 1.0, 1 / 32])


# ---- discriminative fine-tuning and gradual unfreezing ---------------------------------------

def test_discriminative_rates_divide_by_2_6_from_the_top():
    groups = [nn.Linear(2, 2) for _ in range(4)]
    pg = discriminative_param_groups(groups, 0.01)
    assert pg[-1]["lr"] == 0.01
    assert [g["lr"] for g in pg] == pytest.approx([0.01 / 2.6 ** k for k in (3, 2, 1, 0)])
    for lower, upper in zip(pg, pg[1:]):
        assert upper["lr"] / lower["lr"] == pytest.approx(2.6)
    assert [g["params"] for g in pg] == [list(m.parameters()) for m in groups]
    assert discriminative_param_groups(groups, 1.0, factor=10)[0]["lr"] == pytest.approx(1e-3)


@pytest.mark.parametrize("optimizer", [torch.optim.SGD, torch.optim.Adam])
def test_discriminative_groups_set_the_step_sizes_of_a_torch_optimizer(optimizer):
    torch.manual_seed(0)
    groups = nn.ModuleList(nn.Linear(3, 3, bias=False) for _ in range(3))
    opt = optimizer(discriminative_param_groups(groups, 0.1))
    before = [g.weight.detach().clone() for g in groups]
    x = torch.randn(5, 3)
    for g in groups:
        x = g(x)
    x.sum().backward()
    grads = [g.weight.grad.clone() for g in groups]
    opt.step()
    for i, (g, w0, grad) in enumerate(zip(groups, before, grads)):
        lr = 0.1 / 2.6 ** (2 - i)
        if optimizer is torch.optim.SGD:
            assert torch.allclose(g.weight, w0 - lr * grad)
        else:  # Adam's first step moves every weight by lr (times the sign of its gradient)
            assert torch.allclose((w0 - g.weight).abs(), torch.full_like(w0, lr), rtol=1e-4)


def test_discriminative_groups_reject_empty_input():
    with pytest.raises(ValueError, match="layer group"):
        discriminative_param_groups([], 0.01)


def test_gradual_unfreeze_opens_from_the_top_whatever_the_state_before():
    groups = [nn.Linear(2, 2) for _ in range(4)]
    rng = random.Random(1)
    for stage in [2, 0, 3, 1, 5, 0]:
        for g in groups:
            g.requires_grad_(rng.random() < 0.5)
        gradual_unfreeze(groups, stage)
        for i, g in enumerate(groups):
            assert g.weight.requires_grad == g.bias.requires_grad == (i >= 3 - stage)
    with pytest.raises(ValueError, match="stage"):
        gradual_unfreeze(groups, -1)


# ---- the AWD-LSTM ---------------------------------------------------------------------------

def test_awd_lstm_shapes_and_tied_softmax():
    torch.manual_seed(0)
    enc = AWDLSTM(50, d_emb=8, d_hidden=12, n_layers=3)
    lm = LanguageModel(enc)
    x = torch.randint(1, 50, (3, 7))
    assert enc(x).shape == (3, 7, 8)
    assert lm(x).shape == (3, 7, 50)
    assert [l.lstm.hidden_size for l in enc.layers] == [12, 12, 8]   # the last layer returns d_emb, for tying
    assert sum(p is enc.embedding.weight for p in lm.parameters()) == 1  # one matrix, not two
    lm.eval()
    h = enc(x)
    assert torch.allclose(lm(x), h @ enc.embedding.weight.T + lm.bias)  # the softmax weight is the embedding
    lm(x).sum().backward()
    assert enc.embedding.weight.grad is not None


def test_dropouts_only_in_training():
    torch.manual_seed(0)
    lm = LanguageModel(AWDLSTM(50, d_emb=8, d_hidden=12, weight_p=0.5))
    x = torch.randint(1, 50, (3, 7))
    lm.eval()
    assert torch.equal(lm(x), lm(x))
    lm.train()
    assert not torch.equal(lm(x), lm(x))


def test_weight_drop_masks_the_hidden_to_hidden_matrix_only_in_training():
    torch.manual_seed(0)
    layer = WeightDropLSTM(4, 6, weight_p=0.5)
    x = torch.randn(2, 5, 4)
    plain = nn.LSTM(4, 6, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(plain, name).copy_(getattr(layer.lstm, name))
        plain.weight_hh_l0.copy_(layer.weight_hh_raw)
    layer.eval()
    assert torch.allclose(layer(x), plain(x)[0], atol=1e-6)          # evaluation uses the raw weight
    layer.train()
    assert not torch.allclose(layer(x), plain(x)[0], atol=1e-3)      # training drops some of its entries
    layer(x).sum().backward()
    grad = layer.weight_hh_raw.grad
    assert grad is not None and (grad == 0).float().mean() > 0.2     # dropped weights get no gradient
    with torch.no_grad():                                            # a mask of zeros alone equals zeroing h->h
        plain.weight_hh_l0.zero_()
    layer.weight_p = 1.0
    assert torch.allclose(layer(x), plain(x)[0], atol=1e-6)


def test_locked_dropout_uses_one_mask_for_every_time_step():
    torch.manual_seed(0)
    drop = LockedDropout(0.5).train()
    out = drop(torch.ones(4, 9, 6))
    assert torch.equal(out, out[:, :1].expand_as(out))               # same mask along time
    assert set(out.unique().tolist()) == {0.0, 2.0}                  # inverted dropout scaling
    assert torch.equal(drop.eval()(out), out)


def test_embedding_dropout_drops_whole_words():
    torch.manual_seed(0)
    enc = AWDLSTM(20, d_emb=6, d_hidden=8, embed_p=0.5, hidden_p=0.0, weight_p=0.0)
    seen = []
    enc.drop.register_forward_hook(lambda m, inp, out: seen.append(inp[0].detach()) and None)
    enc.train()
    enc(torch.full((1, 30), 3))                                      # one word, thirty times
    emb = seen[0][0]                                                 # the first call: the embeddings
    assert torch.equal(emb, emb[:1].expand_as(emb))                  # dropped everywhere or nowhere
    ratio = emb[0] / enc.embedding.weight[3].detach()
    assert torch.allclose(ratio, torch.full_like(ratio, 2.0)) or torch.equal(emb[0], torch.zeros(6))


def test_classifier_concat_pooling_over_real_tokens():
    torch.manual_seed(0)
    enc = AWDLSTM(30, d_emb=8, d_hidden=12)
    clf = ConcatPoolClassifier(enc, n_classes=5).eval()
    x, _ = pad_batch([[3, 4, 5], [6], []], 6)
    assert clf(x).shape == (3, 5)
    clf.head = nn.Identity()                                          # expose the pooled features
    features, h = clf(x), enc(x)
    assert features.shape == (3, 3 * 8)
    for i, n in enumerate([3, 1, 1]):                                 # the empty text became one <unk>
        real = h[i, :n]
        expected = torch.cat([real[-1], real.max(0).values, real.mean(0)])
        assert torch.allclose(features[i], expected, atol=1e-6)


def test_classifier_layer_groups_bottom_to_top():
    enc = AWDLSTM(30, d_emb=8, d_hidden=12, n_layers=3)
    clf = ConcatPoolClassifier(enc, n_classes=5)
    groups = clf.layer_groups()
    assert groups[0] is enc.embedding and groups[-1] is clf.head and len(groups) == 5
    owned = [p for g in groups for p in g.parameters()]
    assert len(owned) == len(list(clf.parameters())) == len({id(p) for p in owned})  # a partition


def test_training_loops_learn_a_toy_task():
    torch.manual_seed(0)
    stream = torch.arange(2, 12).repeat(100)                         # 2, 3, ..., 11, 2, 3, ...
    lm = LanguageModel(AWDLSTM(12, d_emb=8, d_hidden=16, embed_p=0, hidden_p=0, weight_p=0), output_p=0)
    losses = train_lm(lm, lm_batches(stream, 8, 10), epochs=4, lr=3e-2, discriminative=True, desc="toy LM")
    assert losses[-1] < 0.3 * losses[0]
    x, _ = pad_batch([[2 + c, 2 + c, 7] for c in (0, 1) for _ in range(40)], 4)
    y = torch.tensor([0] * 40 + [1] * 40)
    clf = ConcatPoolClassifier(lm.encoder, n_classes=2)
    train_classifier(clf, x, y, steps=30, lr=1e-2, desc="toy classifier")
    assert error_rate(clf, x, y) == 0.0
    assert all(p.requires_grad for p in clf.parameters())             # unfrozen again afterwards


# ---- words -----------------------------------------------------------------------------------

def test_batches():
    x, y = lm_batches(torch.arange(100), batch_size=2, bptt=5)[0]
    assert x.shape == (2, 5) and torch.equal(y, x + 1)
    assert sum(len(b[0]) for b in lm_batches(torch.arange(100), 2, 5)) * 5 <= 99


def test_one_text_module_behind_both_chapters():
    from llmcourse import icl, text
    assert Vocab is text.Vocab and tokenize is text.tokenize and pad_batch is text.pad_batch
    assert icl.lm_loss is text.lm_loss and issubclass(icl.WordTokenizer, text.Vocab)


@pytest.mark.parametrize("d_in,d_hidden", [(4, 8), (64, 128), (400, 1150), (1150, 400)])
def test_lstm_params_equals_torch_and_the_weight_dropped_layer(d_in, d_hidden):
    with torch.device("meta"):
        assert lstm_params(d_in, d_hidden) == sum(p.numel() for p in nn.LSTM(d_in, d_hidden).parameters())
        assert lstm_params(d_in, d_hidden) == sum(p.numel() for p in WeightDropLSTM(d_in, d_hidden, 0.1).parameters())
