"""The ULMFiT chapter's experiment module: its perplexity is the training loss's, one function."""

import math

import torch
import torch.nn.functional as F

from llmcourse import text, ulmfit_experiment as ex
from llmcourse.ulmfit import AWDLSTM, LanguageModel, lm_batches


def _small_lm():
    torch.manual_seed(0)
    return LanguageModel(AWDLSTM(40, d_emb=8, d_hidden=12))


def test_perplexity_uses_the_one_lm_loss(monkeypatch):
    calls = []
    real = text.lm_loss
    monkeypatch.setattr(ex, "lm_loss", lambda logits, y: calls.append(1) or real(logits, y))
    stream = torch.randint(3, 40, (5000,), generator=torch.Generator().manual_seed(1))
    ex.perplexity(_small_lm(), stream, max_batches=3)
    assert ex.lm_loss is not real and len(calls) == 3          # every batch's loss comes from it
    monkeypatch.undo()
    assert ex.lm_loss is text.lm_loss


def test_perplexity_unchanged_from_the_inline_cross_entropy():
    """The number the chapter printed before perplexity called text.lm_loss: exp(mean over batches
    of the mean next-token cross-entropy), computed inline here as it was."""
    stream = torch.randint(3, 40, (5000,), generator=torch.Generator().manual_seed(2))
    lm = _small_lm().eval()
    batches = lm_batches(stream, ex.CONFIG["batch"], ex.CONFIG["bptt"])[:4]
    with torch.no_grad():
        inline = sum(F.cross_entropy(lm(x).flatten(0, 1), y.flatten()).item() for x, y in batches)
    assert ex.perplexity(lm, stream, max_batches=4) == math.exp(inline / len(batches))


def _toy_data():
    g = torch.Generator().manual_seed(3)
    vocab = text.Vocab(["alpha beta gamma delta epsilon zeta eta theta"])
    xs = [torch.randint(3, len(vocab), (m, 12), generator=g) for m in (64, 20, 20)]
    ys = [torch.randint(0, 5, (m,), generator=g) for m in (64, 20, 20)]
    stream = torch.randint(3, len(vocab), (3000,), generator=g)
    return ex.BBCData(vocab, stream, stream, stream, xs[0], ys[0], xs[1], ys[1], xs[2], ys[2])


def test_a_learning_curve_changes_nothing_in_the_run():
    data = _toy_data()
    plain = ex.run(data, 40, None, seed=1, lr=3e-3, steps=20)
    traced = ex.run(data, 40, None, seed=1, lr=3e-3, steps=20, record_every=5)
    assert plain["curve"] is None and traced["curve"]["step"] == [0, 5, 10, 15, 20]
    for key in ("step_loss", "val_error", "test_error"):
        assert traced[key] == plain[key], key
    assert traced["curve"]["val_error"][-1] == traced["val_error"]
    assert len(traced["curve"]["train_error"]) == 5
    assert ex.classify(data, 40, None, seed=1, lr=3e-3, steps=20) == plain["test_error"]


def test_scratch_runs_without_the_tricks_unless_asked():
    from llmcourse import ulmfit
    seen = {}
    real = ulmfit.train_classifier

    def spy(*args, **kw):
        seen.update(kw)
        return real(*args, **kw)
    data = _toy_data()
    import pytest
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ex, "train_classifier", spy)
        ex.run(data, 40, None, seed=0, steps=10)
        assert seen["gradual"] is False and seen["discriminative"] is False
        ex.run(data, 40, None, seed=0, steps=10, gradual=True, discriminative=True)
        assert seen["gradual"] is True and seen["discriminative"] is True
