"""The pre-training objectives: BERT's 80/10/10 masking and the shifted next-token loss,
the latter checked against transformers' own GPT-2 loss."""

import pytest
import torch

from llmcourse.objectives import IGNORE_INDEX, clm_loss, mlm_loss, mlm_mask

VOCAB, MASK, CLS, SEP, PAD = 1000, 3, 1, 2, 0


def _batch(rows: int = 400, length: int = 500, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(10, VOCAB, (rows, length), generator=g)  # ordinary tokens: ids >= 10
    ids[:, 0], ids[:, -1], ids[:, -20:-1] = CLS, SEP, PAD
    return ids


def test_mlm_mask_proportions_follow_bert():
    ids = _batch()
    inputs, labels = mlm_mask(ids, MASK, VOCAB, special_token_ids=(CLS, SEP, PAD), generator=torch.Generator().manual_seed(1))
    ordinary = (ids >= 10)
    selected = labels != IGNORE_INDEX
    assert selected.sum() / ordinary.sum() == pytest.approx(0.15, abs=0.003)
    n = selected.sum().item()
    masked = (inputs == MASK) & selected
    kept = (inputs == ids) & selected
    replaced = selected & ~masked & ~kept
    assert masked.sum().item() / n == pytest.approx(0.8, abs=0.01)
    # a random replacement can draw the original token (1 chance in VOCAB): it counts as "kept"
    assert replaced.sum().item() / n == pytest.approx(0.1 * (1 - 1 / VOCAB), abs=0.006)
    assert kept.sum().item() / n == pytest.approx(0.1, abs=0.006)
    assert ((inputs != ids) & ~selected).sum() == 0, "unselected positions must keep their token"


def test_mlm_mask_labels_and_specials():
    ids = _batch(50, 100)
    inputs, labels = mlm_mask(ids, MASK, VOCAB, special_token_ids=[CLS, SEP, PAD], mlm_probability=0.9,
                              generator=torch.Generator().manual_seed(0))
    selected = labels != IGNORE_INDEX
    assert torch.equal(labels[selected], ids[selected]), "labels hold the original ids"
    special = (ids == CLS) | (ids == SEP) | (ids == PAD)
    assert not selected[special].any(), "special tokens are never selected"
    assert torch.equal(inputs[special], ids[special])
    assert labels.shape == ids.shape and labels.dtype == ids.dtype


def test_mlm_mask_does_not_modify_input_and_is_reproducible():
    ids = _batch(20, 64)
    before = ids.clone()
    a = mlm_mask(ids, MASK, VOCAB, (CLS, SEP, PAD), generator=torch.Generator().manual_seed(7))
    assert torch.equal(ids, before)
    b = mlm_mask(ids, MASK, VOCAB, (CLS, SEP, PAD), generator=torch.Generator().manual_seed(7))
    c = mlm_mask(ids, MASK, VOCAB, (CLS, SEP, PAD), generator=torch.Generator().manual_seed(8))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[1], c[1])


def test_mlm_mask_rejects_bad_input():
    ids = _batch(2, 10)
    with pytest.raises(ValueError, match="mlm_probability"):
        mlm_mask(ids, MASK, VOCAB, mlm_probability=0.0)
    with pytest.raises(ValueError, match="mask_token_id"):
        mlm_mask(ids, VOCAB, VOCAB)
    with pytest.raises(TypeError, match="integer"):
        mlm_mask(ids.float(), MASK, VOCAB)


def test_mlm_loss_counts_selected_positions_only():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 11)
    labels = torch.full((2, 5), IGNORE_INDEX)
    labels[0, 1], labels[1, 3] = 4, 7
    expected = -(torch.log_softmax(logits[0, 1], -1)[4] + torch.log_softmax(logits[1, 3], -1)[7]) / 2
    assert mlm_loss(logits, labels).item() == pytest.approx(expected.item(), rel=1e-6)


@pytest.fixture(scope="module")
def tiny_gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=97, n_positions=32, n_embd=32, n_layer=2, n_head=4)
    return GPT2LMHeadModel(config).eval()


def test_clm_loss_equals_gpt2_loss(tiny_gpt2):
    ids = torch.randint(0, 97, (3, 12), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = tiny_gpt2(input_ids=ids, labels=ids)
    assert clm_loss(out.logits, ids).item() == pytest.approx(out.loss.item(), rel=1e-5)
    # the shift matters: the unshifted loss is a different number
    unshifted = torch.nn.functional.cross_entropy(out.logits.reshape(-1, 97), ids.reshape(-1))
    assert abs(unshifted.item() - out.loss.item()) > 1e-3


def test_clm_loss_skips_ignore_index(tiny_gpt2):
    ids = torch.randint(0, 97, (2, 10), generator=torch.Generator().manual_seed(1))
    targets = ids.clone()
    targets[1, 6:] = IGNORE_INDEX  # padding at the end of the second sequence
    with torch.no_grad():
        out = tiny_gpt2(input_ids=ids, labels=targets)
    assert clm_loss(out.logits, targets).item() == pytest.approx(out.loss.item(), rel=1e-5)
    # the same with another sentinel
    targets_other = ids.clone()
    targets_other[1, 6:] = -1
    assert clm_loss(out.logits, targets_other, ignore_index=-1).item() == pytest.approx(out.loss.item(), rel=1e-5)


def test_clm_loss_rejects_bad_shapes():
    with pytest.raises(ValueError, match="batch, length, vocab"):
        clm_loss(torch.randn(2, 5), torch.zeros(2, 5, dtype=torch.long))
    with pytest.raises(ValueError, match="at least 2 tokens"):
        clm_loss(torch.randn(2, 1, 7), torch.zeros(2, 1, dtype=torch.long))
