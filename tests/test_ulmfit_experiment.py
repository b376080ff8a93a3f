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
