"""Parameter counting for transformer LMs, written once: the chapters, the tests and the
GPT-3 worked exercise all call these formulas. Names follow Vaswani et al. (2017)."""

from __future__ import annotations

BYTES_PER_PARAM_ADAM = 16  # fp32 weight 4 + gradient 4 + Adam's m and v 8 (Rajbhandari et al., 2020)


def _check(d_model: int, n_heads: int) -> None:
    if d_model <= 0 or n_heads <= 0:
        raise ValueError(f"d_model and n_heads must be positive, got {d_model} and {n_heads}")
    if d_model % n_heads:
        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}: each head needs d_model / n_heads dimensions")


def attention_heads(d_model: int, d_head: int) -> int:
    """Heads h such that h · d_head = d_model (GPT-3: 12288 / 128 = 96)."""
    if d_model % d_head:
        raise ValueError(f"d_head={d_head} does not divide d_model={d_model}")
    return d_model // d_head


def mha_params(d_model: int, n_heads: int, bias: bool = True) -> int:
    """θ_MHA = {W_i^Q, W_i^K, W_i^V (per head, d_model × d_head), W^O (d_model × d_model)}: the heads
    together have 3 d_model² weights whatever their number, plus W^O, plus 4 d_model biases."""
    _check(d_model, n_heads)
    return 4 * d_model * d_model + (4 * d_model if bias else 0)


def ffn_params(d_model: int, d_ff: int, bias: bool = True) -> int:
    """FFN(x) = W_2 σ(W_1 x + b_1) + b_2 with W_1: d_ff × d_model and W_2: d_model × d_ff."""
    return 2 * d_model * d_ff + ((d_ff + d_model) if bias else 0)


def layer_norm_params(d_model: int) -> int:
    """A gain and a bias per feature."""
    return 2 * d_model


def decoder_layer_params(d_model: int, n_heads: int, d_ff: int, bias: bool = True, layer_norm: bool = True) -> int:
    """One GPT-2 block: attention, FFN and two layer norms."""
    return (mha_params(d_model, n_heads, bias) + ffn_params(d_model, d_ff, bias)
            + (2 * layer_norm_params(d_model) if layer_norm else 0))


def gpt_breakdown(n_layers: int, d_model: int, n_heads: int, vocab_size: int, context_length: int,
                  d_ff: int | None = None, bias: bool = True, layer_norm: bool = True,
                  learned_positions: bool = True, tied_head: bool = True) -> dict[str, int]:
    """Parameters of a GPT-2-layout decoder by component. One set of positions serves all L layers;
    fixed (sinusoidal) positions have none to learn; a tied LM head reuses the token embedding."""
    d_ff = 4 * d_model if d_ff is None else d_ff
    per_layer_norms = 2 * layer_norm_params(d_model) if layer_norm else 0
    return {
        "token embedding": vocab_size * d_model,
        "position embedding": context_length * d_model if learned_positions else 0,
        "attention": n_layers * mha_params(d_model, n_heads, bias),
        "feed-forward": n_layers * ffn_params(d_model, d_ff, bias),
        "layer norms": n_layers * per_layer_norms + (layer_norm_params(d_model) if layer_norm else 0),
        "LM head": 0 if tied_head else vocab_size * d_model,
    }


def gpt_params(n_layers: int, d_model: int, n_heads: int, vocab_size: int, context_length: int,
               d_ff: int | None = None, bias: bool = True, layer_norm: bool = True,
               learned_positions: bool = True, tied_head: bool = True) -> int:
    """Total of :func:`gpt_breakdown`; with every switch on it equals transformers' GPT2LMHeadModel."""
    return sum(gpt_breakdown(n_layers, d_model, n_heads, vocab_size, context_length, d_ff, bias,
                             layer_norm, learned_positions, tied_head).values())


def encoder_params(n_layers: int, d_model: int, n_heads: int, d_ff: int, vocab_size: int, max_positions: int,
                   type_vocab_size: int = 2, pooler: bool = True) -> int:
    """A BERT encoder (transformers' BertModel): token, position and segment embeddings with a
    layer norm, post-norm layers with biases, and the pooler's d_model × d_model dense layer."""
    embeddings = (vocab_size + max_positions + type_vocab_size) * d_model + layer_norm_params(d_model)
    layer = decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True)
    return embeddings + n_layers * layer + ((d_model * d_model + d_model) if pooler else 0)


def training_memory_bytes(n_params: int, bytes_per_param: int = BYTES_PER_PARAM_ADAM) -> int:
    """Weights, gradients and optimiser states of mixed/full-precision Adam training (no activations)."""
    return n_params * bytes_per_param


def training_memory_gb(n_params: int, bytes_per_param: int = BYTES_PER_PARAM_ADAM) -> float:
    """The same in GB (10^9 bytes)."""
    return training_memory_bytes(n_params, bytes_per_param) / 1e9


def training_flops(n_params: int, n_tokens: int) -> float:
    """C ≈ 6 N D: 2 N FLOPs a token forward and 4 N backward (Kaplan et al., 2020)."""
    return 6.0 * n_params * n_tokens


def meta_param_count(config) -> int:
    """Build a transformers model for ``config`` on the meta device (no memory) and count its
    parameters: an independent oracle for the formulas above."""
    import torch
    from transformers import AutoModel, AutoModelForCausalLM, GPT2Config
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config) if isinstance(config, GPT2Config) else AutoModel.from_config(config)
    return sum(p.numel() for p in model.parameters())
