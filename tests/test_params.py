"""The parameter formulas against transformers models built on the meta device (no memory)."""

import random

import pytest
from transformers import BertConfig, GPT2Config

from llmcourse import params
from llmcourse.params import (attention_heads, encoder_params, gpt_breakdown, gpt_params, meta_param_count,
                              training_flops, training_memory_gb)


def test_named_models():
    assert meta_param_count(GPT2Config()) == gpt_params(12, 768, 12, 50257, 1024) == 124_439_808
    assert meta_param_count(BertConfig()) == encoder_params(12, 768, 12, 3072, 30522, 512) == 109_482_240
    large = BertConfig(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096)
    assert meta_param_count(large) == encoder_params(24, 1024, 16, 4096, 30522, 512) == 335_141_888


def test_minilm_shape():
    from transformers import AutoConfig
    from llmcourse.pretrained import minilm_path
    cfg = AutoConfig.from_pretrained(minilm_path())
    assert encoder_params(cfg.num_hidden_layers, cfg.hidden_size, cfg.num_attention_heads, cfg.intermediate_size,
                          cfg.vocab_size, cfg.max_position_embeddings, cfg.type_vocab_size) == 22_713_216


def test_gpt3_worked_exercise():
    assert attention_heads(12288, 128) == 96
    n = gpt_params(96, 12288, 96, 50_000, 2048, bias=False, layer_norm=False, learned_positions=False)
    assert n == 174_560_575_488
    parts = gpt_breakdown(96, 12288, 96, 50_000, 2048, bias=False, layer_norm=False, learned_positions=False)
    assert max(parts, key=parts.get) == "feed-forward"
    assert training_memory_gb(n) == pytest.approx(2792.969, rel=1e-6)
    assert training_flops(n, 300e9) == pytest.approx(3.142e23, rel=1e-3)


@pytest.mark.parametrize("seed", range(25))
def test_gpt_formula_matches_gpt2_on_random_configs(seed):
    rng = random.Random(seed)
    n_heads = rng.randint(1, 8)
    d = n_heads * rng.randint(1, 32)
    cfg = dict(n_layer=rng.randint(1, 6), n_embd=d, n_head=n_heads, vocab_size=rng.randint(10, 5000),
               n_positions=rng.randint(8, 512), n_inner=rng.choice([None, rng.randint(4, 300)]))
    expected = meta_param_count(GPT2Config(**cfg))
    assert gpt_params(cfg["n_layer"], d, n_heads, cfg["vocab_size"], cfg["n_positions"], d_ff=cfg["n_inner"]) == expected


def test_untied_head_adds_the_embedding_matrix():
    cfg = GPT2Config(n_layer=2, n_embd=32, n_head=4, vocab_size=100, n_positions=16, tie_word_embeddings=False)
    assert meta_param_count(cfg) == gpt_params(2, 32, 4, 100, 16, tied_head=False)


@pytest.mark.parametrize("seed", range(25))
def test_encoder_formula_matches_bert_on_random_configs(seed):
    rng = random.Random(1000 + seed)
    n_heads = rng.randint(1, 8)
    d = n_heads * rng.randint(1, 32)
    cfg = BertConfig(num_hidden_layers=rng.randint(1, 6), hidden_size=d, num_attention_heads=n_heads,
                     intermediate_size=rng.randint(4, 300), vocab_size=rng.randint(10, 5000),
                     max_position_embeddings=rng.randint(8, 512), type_vocab_size=rng.randint(1, 3))
    assert encoder_params(cfg.num_hidden_layers, d, n_heads, cfg.intermediate_size, cfg.vocab_size,
                          cfg.max_position_embeddings, cfg.type_vocab_size) == meta_param_count(cfg)


def test_bad_shapes_say_what_to_fix():
    with pytest.raises(ValueError, match="not divisible"):
        params.mha_params(100, 3)
    with pytest.raises(ValueError, match="does not divide"):
        attention_heads(100, 3)


def test_scaling_laws():
    from llmcourse import scaling
    assert scaling.loss_vs_params(scaling.N_C) == pytest.approx(1.0)
    assert scaling.loss_vs_params(1e9) < scaling.loss_vs_params(1e8)
    assert scaling.loss_vs_data(1e12) < scaling.loss_vs_data(1e10)
    assert scaling.loss_vs_compute(1.0) == pytest.approx(3.1e8 ** 0.05)
    n, d = scaling.chinchilla_optimal(5.76e23)  # Chinchilla's budget: about 70B parameters, 1.4T tokens
    assert n == pytest.approx(69.3e9, rel=0.01) and d / n == pytest.approx(20)
    assert 6 * n * d == pytest.approx(5.76e23)
