"""The parameter formulas against independent oracles: transformers models built on the meta device
(GPT2LMHeadModel, BertModel) and plain torch modules, plus the named values the book quotes."""

import random

import pytest
import torch
from transformers import AutoConfig, BertConfig, GPT2Config

from llmcourse import params
from llmcourse.params import (attention_heads, decoder_layer_params, encoder_breakdown, encoder_layer_params,
                              encoder_params, ffn_params, gpt_breakdown, gpt_non_embedding_params, gpt_params,
                              layer_norm_params, meta_model, meta_param_count, mha_params, training_flops,
                              training_memory_bytes, training_memory_gb)


def count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# --- named models -----------------------------------------------------------------------------------------------

def test_gpt2_small():
    assert gpt_params(12, 768, 12, 50257, 1024) == meta_param_count(GPT2Config()) == 124_439_808


def test_bert_base_and_large():
    assert encoder_params(12, 768, 12, 3072, 30522, 512) == meta_param_count(BertConfig()) == 109_482_240
    large = BertConfig(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096)
    assert encoder_params(24, 1024, 16, 4096, 30522, 512) == meta_param_count(large) == 335_141_888


def test_minilm_from_its_own_config():
    from llmcourse.pretrained import minilm_path
    cfg = AutoConfig.from_pretrained(minilm_path())
    n = encoder_params(cfg.num_hidden_layers, cfg.hidden_size, cfg.num_attention_heads, cfg.intermediate_size,
                       cfg.vocab_size, cfg.max_position_embeddings, cfg.type_vocab_size)
    assert n == meta_param_count(cfg) == 22_713_216


def test_gpt3_worked_exercise():
    assert attention_heads(12288, 128) == 96
    shape = dict(n_layers=96, d_model=12288, n_heads=96, vocab_size=50_000, context_length=2048)
    switches = dict(bias=False, layer_norm=False, learned_positions=False, tied_head=True)
    n = gpt_params(**shape, **switches)
    assert n == 174_560_575_488
    parts = gpt_breakdown(**shape, **switches)
    assert sum(parts.values()) == n
    assert max(parts, key=parts.get) == "feed-forward"
    assert parts["feed-forward"] == 2 * parts["attention"] == 96 * 8 * 12288**2
    assert parts["token embedding"] == 50_000 * 12288
    assert parts["position embedding"] == parts["layer norms"] == parts["LM head"] == 0
    assert training_memory_bytes(n) == 16 * n
    assert training_memory_gb(n) == pytest.approx(2792.969, rel=1e-6)
    assert training_flops(n, 300e9) == pytest.approx(3.142e23, rel=1e-3)  # Brown et al. report 3.14e23


def test_gpt3_shape_with_every_switch_on_matches_gpt2_layout():
    cfg = GPT2Config(n_layer=96, n_embd=12288, n_head=96, vocab_size=50_000, n_positions=2048,
                     bos_token_id=None, eos_token_id=None)
    assert gpt_params(96, 12288, 96, 50_000, 2048) == meta_param_count(cfg) == 174_601_101_312


# --- random configurations against transformers ------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(25))
def test_gpt_formula_matches_gpt2lmheadmodel(seed):
    rng = random.Random(seed)
    n_heads = rng.randint(1, 8)
    d = n_heads * rng.randint(1, 32)
    L, V, ctx = rng.randint(1, 6), rng.randint(10, 5000), rng.randint(8, 1024)
    d_ff = rng.choice([None, rng.randint(4, 300)])
    tied = rng.random() < 0.7
    cfg = GPT2Config(n_layer=L, n_embd=d, n_head=n_heads, vocab_size=V, n_positions=ctx, n_inner=d_ff,
                     tie_word_embeddings=tied, bos_token_id=0, eos_token_id=0)
    assert gpt_params(L, d, n_heads, V, ctx, d_ff=d_ff, tied_head=tied) == meta_param_count(cfg)


@pytest.mark.parametrize("seed", range(25))
def test_encoder_formula_matches_bertmodel(seed):
    rng = random.Random(1000 + seed)
    n_heads = rng.randint(1, 8)
    d = n_heads * rng.randint(1, 32)
    cfg = BertConfig(num_hidden_layers=rng.randint(1, 6), hidden_size=d, num_attention_heads=n_heads,
                     intermediate_size=rng.randint(4, 300), vocab_size=rng.randint(10, 5000),
                     max_position_embeddings=rng.randint(8, 512), type_vocab_size=rng.randint(1, 3), pad_token_id=0)
    pooler = seed % 3 != 0
    ours = encoder_params(cfg.num_hidden_layers, d, n_heads, cfg.intermediate_size, cfg.vocab_size,
                          cfg.max_position_embeddings, cfg.type_vocab_size, pooler=pooler)
    assert ours == meta_param_count(cfg, add_pooling_layer=pooler)


# --- the pieces against plain torch modules ----------------------------------------------------------------------

@pytest.mark.parametrize("d_model,n_heads,d_ff", [(8, 1, 4), (64, 4, 100), (96, 12, 384), (30, 5, 7)])
def test_pieces_match_torch_modules(d_model, n_heads, d_ff):
    for bias in (True, False):
        assert mha_params(d_model, n_heads, bias) == count(torch.nn.MultiheadAttention(d_model, n_heads, bias=bias))
        ffn = torch.nn.Sequential(torch.nn.Linear(d_model, d_ff, bias=bias), torch.nn.Linear(d_ff, d_model, bias=bias))
        assert ffn_params(d_model, d_ff, bias) == count(ffn)
    assert layer_norm_params(d_model) == count(torch.nn.LayerNorm(d_model))
    assert encoder_layer_params(d_model, n_heads, d_ff) == count(torch.nn.TransformerEncoderLayer(d_model, n_heads, d_ff))
    assert decoder_layer_params(d_model, n_heads, d_ff) == encoder_layer_params(d_model, n_heads, d_ff)


def test_heads_do_not_change_the_attention_size():
    assert {mha_params(96, h) for h in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 96)} == {4 * 96 * 96 + 4 * 96}


def test_one_gpt2_block_matches_transformers():
    model = meta_model(GPT2Config(n_layer=1, n_embd=48, n_head=6, vocab_size=50, n_positions=16, bos_token_id=0,
                                  eos_token_id=0))
    assert count(model.transformer.h[0]) == decoder_layer_params(48, 6, 4 * 48)


# --- the switches ------------------------------------------------------------------------------------------------

def test_each_switch_removes_exactly_its_part():
    L, d, h, V, ctx, d_ff = 3, 64, 4, 1000, 128, 200
    full = gpt_params(L, d, h, V, ctx, d_ff)
    assert full - gpt_params(L, d, h, V, ctx, d_ff, learned_positions=False) == ctx * d
    assert gpt_params(L, d, h, V, ctx, d_ff, tied_head=False) - full == V * d
    assert full - gpt_params(L, d, h, V, ctx, d_ff, layer_norm=False) == (2 * L + 1) * 2 * d
    assert full - gpt_params(L, d, h, V, ctx, d_ff, bias=False) == L * (4 * d + d_ff + d)
    assert gpt_non_embedding_params(L, d, h, d_ff) == full - V * d - ctx * d


def test_breakdowns_sum_to_totals():
    parts = gpt_breakdown(12, 768, 12, 50257, 1024)
    assert sum(parts.values()) == gpt_params(12, 768, 12, 50257, 1024)
    assert parts["layer norms"] == 25 * 2 * 768 and parts["LM head"] == 0
    bert = encoder_breakdown(12, 768, 12, 3072, 30522, 512)
    assert sum(bert.values()) == encoder_params(12, 768, 12, 3072, 30522, 512)
    assert bert["embeddings"] == (30522 + 512 + 2) * 768 + 2 * 768


def test_training_costs():
    assert training_memory_bytes(1_000) == 16_000
    assert training_memory_bytes(1_000, bytes_per_param=2) == 2_000
    assert training_flops(1e9, 2e10) == pytest.approx(1.2e20)


# --- bad input says what to fix ----------------------------------------------------------------------------------

def test_bad_shapes_say_what_to_fix():
    with pytest.raises(ValueError, match="d_model=100 is not divisible by n_heads=3"):
        mha_params(100, 3)
    with pytest.raises(ValueError, match="not divisible"):
        gpt_params(2, 100, 3, 10, 10)
    with pytest.raises(ValueError, match="d_head=3 does not divide d_model=100"):
        attention_heads(100, 3)
    with pytest.raises(ValueError, match="n_layers must be a positive integer"):
        gpt_params(0, 64, 4, 10, 10)
    with pytest.raises(ValueError, match="vocab_size must be a positive integer"):
        encoder_params(2, 64, 4, 128, -5, 10)
    with pytest.raises(TypeError, match="d_model must be an int"):
        mha_params(64.0, 4)
    with pytest.raises(TypeError, match="n_heads must be an int"):
        mha_params(64, True)
    with pytest.raises(ValueError, match="n_params and n_tokens must be positive"):
        training_flops(0, 10)
    with pytest.raises(ValueError, match="n_params must be a positive integer"):
        params.training_memory_bytes(-1)
