"""The course's one text module against independent oracles: hand-counted corpora,
torch's pad_sequence and a per-position cross-entropy written out."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

from llmcourse.text import EOS, PAD, UNK, Vocab, lm_loss, lm_stream, mean_pool, pad_batch, tokenize


def test_tokenizer_splits_words_numbers_and_punctuation():
    assert tokenize("Profits ROSE 5%, to $3bn!") == ["profits", "rose", "5", "%", ",", "to", "$", "3", "bn", "!"]
    assert tokenize("3bn") == tokenize("3 bn")  # one rule for every chapter: digits and letters apart


def test_vocab_orders_by_frequency_after_the_specials():
    v = Vocab(["the cat sat", "the dog sat", "a bird", "the end"], min_freq=2)
    assert v.itos == ["<pad>", "<unk>", "<eos>", "the", "sat"]  # the: 3, sat: 2, the rest once
    assert (v.pad_id, v.unk_id, v.eos_id) == (PAD, UNK, EOS) == (0, 1, 2)
    assert v.encode("The bird") == [3, UNK]
    assert v.encode("the sat the", max_len=2) == [3, 4]
    assert v.decode([3, 4]) == "the sat"


def test_vocab_size_counts_the_specials_and_keeps_required_words():
    v = Vocab(["a a a b b c"] * 3, max_size=5, required=["zebra"])
    assert len(v) == 5 and v.itos[3:] == ["zebra", "a"]
    assert v.token_id("zebra") == 3
    with pytest.raises(ValueError, match="single in-vocabulary token"):
        v.token_id("two words")
    with pytest.raises(ValueError, match="leaves no room"):
        Vocab(["a"], max_size=3)


def test_pad_batch_matches_torch_pad_sequence():
    seqs = [[5, 6, 7], [8], [9, 10]]
    ids, lengths = pad_batch(seqs)
    oracle = pad_sequence([torch.tensor(s) for s in seqs], batch_first=True, padding_value=PAD)
    assert torch.equal(ids, oracle) and lengths.tolist() == [3, 1, 2]
    ids, lengths = pad_batch([[5, 6, 7], [], [8]], 2)
    assert ids.tolist() == [[5, 6], [UNK, PAD], [8, PAD]] and lengths.tolist() == [2, 1, 1]


def test_pad_batch_left_matches_flipped_pad_sequence():
    seqs = [[5, 6, 7], [8], [9, 10]]
    ids, lengths = pad_batch(seqs, side="left", pad_id=4)
    oracle = pad_sequence([torch.tensor(s[::-1]) for s in seqs], batch_first=True, padding_value=4).flip(1)
    assert torch.equal(ids, oracle) and lengths.tolist() == [3, 1, 2]
    assert ids.tolist() == [[5, 6, 7], [4, 4, 8], [4, 9, 10]]
    with pytest.raises(ValueError, match="side"):
        pad_batch(seqs, side="middle")


def test_mean_pool_ignores_padding():
    h = torch.randn(2, 4, 3)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    out = mean_pool(h, mask)
    torch.testing.assert_close(out[0], h[0, :2].mean(0))
    torch.testing.assert_close(out[1], h[1].mean(0))


def test_lm_loss_is_the_mean_negative_log_likelihood_of_every_position():
    logits, targets = torch.randn(2, 3, 7), torch.randint(0, 7, (2, 3))
    nll = [-math.log(F.softmax(logits[b, t], -1)[targets[b, t]].item()) for b in range(2) for t in range(3)]
    assert lm_loss(logits, targets).item() == pytest.approx(sum(nll) / 6, rel=1e-5)


def test_lm_stream_ends_every_text_with_eos():
    v = Vocab(["a b", "c"])
    assert lm_stream(v, ["a b", "c"]).tolist() == [v.stoi["a"], v.stoi["b"], EOS, v.stoi["c"], EOS]
