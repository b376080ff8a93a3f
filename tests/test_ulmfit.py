"""ULMFiT's schedules against the paper's formulas (the STLR PyTorch computes against eq. 3 written out here),
the tricks as the training loops run them, and the AWD-LSTM pieces."""

import math
import random

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from llmcourse.ulmfit import (AWDLSTM, lstm_params, ConcatPoolClassifier, LanguageModel, LockedDropout, Vocab, WeightDropLSTM,
                              error_rate, lm_batches, pad_batch, stlr_rates, stlr_scheduler, tokenize,
                              train_classifier, train_lm, ulmfit_adam)


def paper_p(t, T, cut_frac=0.1):
    """Howard & Ruder (2018), eq. 3, written out again from the paper."""
    cut = math.floor(T * cut_frac)
    return t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))


def paper_stlr(t, T, lr_max, cut_frac=0.1, ratio=32):
    return lr_max * (1 + paper_p(t, T, cut_frac) * (ratio - 1)) / ratio


# ---- slanted triangular learning rates: PyTorch's OneCycleLR against eq. 3 -------------------

def test_stlr_from_onecyclelr_is_eq3_when_T_times_cut_frac_is_whole():
    rng = random.Random(0)
    for _ in range(60):
        cut_frac, ratio = rng.choice([0.1, 0.2, 0.25, 0.5]), rng.choice([32, 10, 100, 1])
        T = round(rng.randint(1, 300) / cut_frac)                    # T * cut_frac a whole number
        lr = rng.uniform(1e-5, 1.0)
        rates = stlr_rates(T, lr, cut_frac, ratio)
        assert len(rates) == T + 1
        assert rates == pytest.approx([paper_stlr(t, T, lr, cut_frac, ratio) for t in range(T + 1)], rel=1e-12)


@pytest.mark.parametrize("T", [10, 100, 1000, 5000, 12_340])
def test_stlr_start_peak_end(T):
    lr, cut = 0.01, T // 10
    rates = stlr_rates(T, lr)
    assert rates[0] == pytest.approx(lr / 32)                         # starts at lr_max / ratio
    assert rates[cut] == pytest.approx(lr) and max(rates) == pytest.approx(rates[cut])  # the peak is at t = cut
    assert rates[T] == pytest.approx(lr / 32)                         # back to lr_max / ratio at t = T
    assert all(a < b for a, b in zip(rates[:cut], rates[1:cut + 1]))  # short rise
    assert all(a > b for a, b in zip(rates[cut:], rates[cut + 1:]))   # long decay


def test_the_obvious_onecyclelr_settings_peak_one_step_early():
    """total_steps = T, pct_start = cut_frac: OneCycleLR's warm-up ends at pct_start * total_steps - 1."""
    T, p = 1000, nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=T, pct_start=0.1, div_factor=32,
                                                final_div_factor=1, anneal_strategy="linear", cycle_momentum=False)
    rates = [opt.param_groups[0]["lr"]]
    for _ in range(T - 1):
        opt.step()
        sched.step()
        rates.append(opt.param_groups[0]["lr"])
    assert rates[99] == pytest.approx(0.01) and rates[100] < 0.01     # eq. 3 peaks at t = cut = 100
    assert rates[50] != pytest.approx(paper_stlr(50, T, 0.01), rel=1e-6)


def test_stlr_tail_ends_at_lr_over_ratio_where_eq3_would_go_negative():
    # T = 109: cut = 10, but cut * (1/cut_frac - 1) = 90 < T - cut = 99, so eq. 3 overshoots
    T, lr = 109, 1.0
    rates = stlr_rates(T, lr)
    assert paper_stlr(T, T, lr) < 0                                  # the paper's formula, taken literally
    assert rates[:11] == pytest.approx([paper_stlr(t, T, lr) for t in range(11)])  # the warm-up is eq. 3's
    assert rates[T] == pytest.approx(lr / 32) and min(rates) == pytest.approx(lr / 32)
    assert all(a > b for a, b in zip(rates[10:], rates[11:]))         # a straight decay over T - cut steps


@pytest.mark.parametrize("T, cut_frac", [(0, 0.1), (5, 0.1), (9, 0.1), (3, 0.25)])
def test_stlr_without_a_warmup_step_is_a_clear_error(T, cut_frac):
    with pytest.raises(ValueError, match="no warm-up step"):
        stlr_rates(T, 0.01, cut_frac)
    with pytest.raises(ValueError, match="cut_frac"):
        stlr_rates(100, 0.01, cut_frac=1.5)
    assert stlr_rates(10, 0.01)[1] == pytest.approx(0.01)             # the smallest schedule: cut = 1


def test_stlr_scheduler_keeps_each_groups_peak_and_adams_betas():
    a, b = nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(2))
    opt = torch.optim.Adam([{"params": [a], "lr": 0.01}, {"params": [b], "lr": 0.001}], betas=(0.7, 0.99))
    sched, seen = stlr_scheduler(opt, 200), []
    for _ in range(200):
        seen.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    assert seen[20] == pytest.approx([0.01, 0.001]) and seen[0] == pytest.approx([0.01 / 32, 0.001 / 32])
    assert all(g["betas"] == (0.7, 0.99) for g in opt.param_groups)  # cycle_momentum off


# ---- discriminative fine-tuning and gradual unfreezing, as the training loops run them ---------

def test_ulmfit_adam_divides_by_2_6_from_the_top():
    groups = [list(nn.Linear(2, 2).parameters()) for _ in range(4)]
    opt = ulmfit_adam(groups, 0.01)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.01 / 2.6 ** k for k in (3, 2, 1, 0)])
    assert [g["params"] for g in opt.param_groups] == groups
    assert opt.defaults["betas"] == (0.7, 0.99)
    assert [g["lr"] for g in ulmfit_adam(groups, 0.01, discriminative=False).param_groups] == [0.01] * 4


def _trace_classifier(monkeypatch, **kw):
    """Run train_classifier on a tiny task; per step, the groups that train and the optimiser's rates."""
    from llmcourse import ulmfit
    captured, trace = {}, []
    real_train = ulmfit.train

    def spy(model, data, **kwargs):
        captured["opt"] = kwargs["optimizer"]
        return real_train(model, data, **kwargs)
    monkeypatch.setattr(ulmfit, "train", spy)
    torch.manual_seed(0)
    clf = ConcatPoolClassifier(AWDLSTM(20, d_emb=8, d_hidden=8), n_classes=2)
    groups = clf.layer_groups()
    clf.register_forward_pre_hook(lambda m, inp: trace.append(
        ([i for i, g in enumerate(groups) if all(p.requires_grad for p in g.parameters())],
         [g["lr"] for g in captured["opt"].param_groups])) and None)
    x, _ = pad_batch([[2, 3, 4], [5, 6]] * 8, 4)
    train_classifier(clf, x, torch.tensor([0, 1] * 8), steps=20, lr=0.01, batch_size=4, **kw)
    return trace, groups


def test_train_classifier_unfreezes_one_group_per_stage_from_the_top(monkeypatch):
    trace, groups = _trace_classifier(monkeypatch, unfreeze_every=3)
    opened = [t[0] for t in trace]
    assert opened[0] == opened[2] == [3]                              # the head alone
    assert opened[3] == opened[5] == [2, 3] and opened[6] == [1, 2, 3]
    assert all(o == [0, 1, 2, 3] for o in opened[9:])                # then everything trains
    assert all(p.requires_grad for g in groups for p in g.parameters())
    assert all(o == [0, 1, 2, 3] for o, _ in _trace_classifier(monkeypatch, gradual=False)[0])


def test_train_classifier_rates_are_stlr_times_discriminative_factors(monkeypatch):
    trace, _ = _trace_classifier(monkeypatch)
    stlr = stlr_rates(20, 0.01)
    for t, (_, rates) in enumerate(trace):
        assert rates == pytest.approx([stlr[t] / 2.6 ** k for k in (3, 2, 1, 0)])
    constant, _ = _trace_classifier(monkeypatch, stlr=False, discriminative=False)
    assert all(rates == [0.01] * 4 for _, rates in constant)


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
