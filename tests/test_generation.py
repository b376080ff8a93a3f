"""Decoding against independent oracles: transformers' logits warpers for temperature, top-k and
top-p, and GPT2LMHeadModel.generate for the greedy and sampling loops."""

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.generation.logits_process import (TemperatureLogitsWarper, TopKLogitsWarper,
                                                    TopPLogitsWarper)

from llmcourse import generation


def random_logits(seed: int, batch: int = 6, vocab: int = 40) -> torch.Tensor:
    return torch.randn(batch, vocab, generator=torch.Generator().manual_seed(seed)) * 3


@pytest.mark.parametrize("temperature", [0.3, 0.7, 1.0, 2.5])
def test_temperature_matches_transformers(temperature):
    z = random_logits(0)
    torch.testing.assert_close(generation.apply_temperature(z, temperature),
                               TemperatureLogitsWarper(temperature)(None, z.clone()))


@pytest.mark.parametrize("k", [1, 2, 5, 39, 40, 100])
def test_top_k_matches_transformers(k):
    for seed in range(5):
        z = random_logits(seed)
        torch.testing.assert_close(generation.top_k_filter(z, k), TopKLogitsWarper(k)(None, z.clone()))
    assert (generation.top_k_filter(random_logits(0), 5) > float("-inf")).sum(-1).eq(5).all()


def test_top_k_keeps_ties_like_transformers():
    z = torch.tensor([[3.0, 1.0, 1.0, 0.0]])
    torch.testing.assert_close(generation.top_k_filter(z, 2), TopKLogitsWarper(2)(None, z.clone()))
    assert generation.top_k_filter(z, 2).isfinite().sum() == 3


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9, 0.99, 1.0])
def test_top_p_matches_transformers(p):
    for seed in range(20):
        z = random_logits(seed)
        torch.testing.assert_close(generation.top_p_filter(z, p), TopPLogitsWarper(p)(None, z.clone()))


def test_top_p_is_the_smallest_set_with_mass_p():
    z = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    kept = lambda p: generation.top_p_filter(z, p).isfinite().sum().item()
    assert [kept(p) for p in (0.1, 0.5, 0.6, 0.8, 0.9, 0.96, 1.0)] == [1, 1, 2, 2, 3, 4, 4]


def test_distribution_sums_to_one_and_order_is_temperature_then_filters():
    z = random_logits(3)
    probs = generation.next_token_distribution(z, temperature=0.5, top_k=10, top_p=0.8)
    torch.testing.assert_close(probs.sum(-1), torch.ones(len(z)))
    expected = TopPLogitsWarper(0.8)(None, TopKLogitsWarper(10)(None, TemperatureLogitsWarper(0.5)(None, z.clone())))
    torch.testing.assert_close(probs, torch.softmax(expected, -1))


@pytest.mark.parametrize("bad", [dict(temperature=0.0), dict(top_k=0), dict(top_p=0.0), dict(top_p=1.5)])
def test_bad_settings_say_what_to_fix(bad):
    with pytest.raises(ValueError):
        generation.next_token_distribution(random_logits(0), **bad)


def tiny_gpt2(seed: int = 0) -> GPT2LMHeadModel:
    torch.manual_seed(seed)
    cfg = GPT2Config(vocab_size=30, n_positions=32, n_embd=16, n_layer=2, n_head=2,
                     bos_token_id=0, eos_token_id=None, pad_token_id=0)
    return GPT2LMHeadModel(cfg).eval()


def test_greedy_matches_transformers_generate():
    model = tiny_gpt2()
    prompt = torch.randint(1, 30, (3, 5), generator=torch.Generator().manual_seed(1))
    ours = generation.generate(lambda ids: model(ids).logits, prompt, 12, greedy=True)
    theirs = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=12,
                            do_sample=False)
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("settings", [dict(temperature=0.8), dict(top_k=5), dict(top_p=0.7),
                                      dict(temperature=1.3, top_k=8, top_p=0.9)])
def test_sampling_matches_transformers_generate_with_the_same_random_stream(settings):
    """Both loops draw one torch.multinomial per step from the global generator: with the same
    seed and the same distribution they must draw the same tokens."""
    model = tiny_gpt2()
    prompt = torch.randint(1, 30, (2, 4), generator=torch.Generator().manual_seed(2))
    torch.manual_seed(7)
    ours = generation.generate(lambda ids: model(ids).logits, prompt, 10, **settings)
    torch.manual_seed(7)
    theirs = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=10,
                            do_sample=True, top_k=settings.get("top_k", 0),
                            top_p=settings.get("top_p", 1.0), temperature=settings.get("temperature", 1.0))
    assert torch.equal(ours, theirs)


def test_context_window_and_banned_ids():
    model = tiny_gpt2()
    seen = []

    def logits(ids):
        seen.append(ids.shape[1])
        return model(ids).logits

    prompt = torch.randint(1, 30, (1, 6), generator=torch.Generator().manual_seed(3))
    out = generation.generate(logits, prompt, 8, greedy=True, context_length=10, banned_ids=[5, 7])
    assert out.shape == (1, 14) and torch.equal(out[:, :6], prompt)
    assert max(seen) == 10
    assert not torch.isin(out[:, 6:], torch.tensor([5, 7])).any()
