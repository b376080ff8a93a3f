"""Parameter counting for transformer LMs, written once: the chapters, the tests and the GPT-3
worked exercise all call these formulas. Names follow Vaswani et al. (2017) and the GPT/BERT papers."""

from __future__ import annotations

BYTES_PER_PARAM_ADAM = 16  # mixed precision: fp16 weight 2 + fp16 gradient 2, fp32 master weight 4 + Adam's m 4 + v 4 (rajbhandari2020zero)
FLOPS_PER_PARAM_TOKEN = 6  # 2 forward + 4 backward per parameter and token (kaplan2020scaling, sec. 2.1)


# --- input checks: a wrong shape is an error that says what to fix ---------------------------------------------

def _positive(**sizes: int | None) -> None:
    for name, value in sizes.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
        if value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value}")


def _heads_divide(d_model: int, n_heads: int) -> None:
    _positive(d_model=d_model, n_heads=n_heads)
    if d_model % n_heads:
        raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}: each head gets "
                         f"d_head = d_model / n_heads dimensions, so choose n_heads among the divisors of d_model")


# --- the pieces of a layer --------------------------------------------------------------------------------------

def attention_heads(d_model: int, d_head: int) -> int:
    """Number of heads h with h · d_head = d_model (GPT-3: 12288 / 128 = 96)."""
    _positive(d_model=d_model, d_head=d_head)
    if d_model % d_head:
        raise ValueError(f"d_head={d_head} does not divide d_model={d_model}: h = d_model / d_head must be a whole number")
    return d_model // d_head


def mha_params(d_model: int, n_heads: int, bias: bool = True) -> int:
    """|θ_MHA| for θ_MHA = {W_i^Q, W_i^K, W_i^V ∈ R^{d_model×d_head}}_{i=1..h} ∪ {W^O ∈ R^{d_model×d_model}}:
    the h heads hold 3·h·d_model·d_head = 3 d_model² weights whatever h is, W^O d_model², plus 4 bias vectors."""
    _heads_divide(d_model, n_heads)
    d_head = d_model // n_heads
    weights = 3 * n_heads * d_model * d_head + d_model * d_model
    return weights + (4 * d_model if bias else 0)


def ffn_params(d_model: int, d_ff: int, bias: bool = True) -> int:
    """FFN(X) = σ(X W_1 + b_1) W_2 + b_2 (row vectors) with W_1 ∈ R^{d_model×d_ff}, W_2 ∈ R^{d_ff×d_model}."""
    _positive(d_model=d_model, d_ff=d_ff)
    return 2 * d_model * d_ff + ((d_ff + d_model) if bias else 0)


def layer_norm_params(d_model: int) -> int:
    """LayerNorm has a gain γ and a bias β per feature."""
    _positive(d_model=d_model)
    return 2 * d_model


def embedding_params(n_rows: int, d_model: int) -> int:
    """A lookup table of n_rows vectors (tokens, positions or segments) of size d_model."""
    _positive(n_rows=n_rows, d_model=d_model)
    return n_rows * d_model


def decoder_layer_params(d_model: int, n_heads: int, d_ff: int, bias: bool = True, layer_norm: bool = True) -> int:
    """One GPT-2 block: LN → masked MHA → residual, LN → FFN → residual."""
    norms = 2 * layer_norm_params(d_model) if layer_norm else 0
    return mha_params(d_model, n_heads, bias) + ffn_params(d_model, d_ff, bias) + norms


def encoder_layer_params(d_model: int, n_heads: int, d_ff: int) -> int:
    """One BERT block: MHA → residual → LN, FFN → residual → LN (post-norm, with biases).
    The same pieces as a decoder block, so the same count: only the mask and the order differ."""
    return mha_params(d_model, n_heads, bias=True) + ffn_params(d_model, d_ff, bias=True) + 2 * layer_norm_params(d_model)


# --- whole models -----------------------------------------------------------------------------------------------

def gpt_breakdown(n_layers: int, d_model: int, n_heads: int, vocab_size: int, context_length: int,
                  d_ff: int | None = None, bias: bool = True, layer_norm: bool = True,
                  learned_positions: bool = True, tied_head: bool = True) -> dict[str, int]:
    """Parameters of a GPT-2-layout decoder by component. One position table serves all L layers
    (none to learn if positions are fixed sinusoids); a tied LM head reuses the token embedding."""
    d_ff = 4 * d_model if d_ff is None else d_ff
    _positive(n_layers=n_layers, vocab_size=vocab_size, context_length=context_length, d_ff=d_ff)
    norms = (2 * n_layers + 1) * layer_norm_params(d_model) if layer_norm else 0  # 2 per block + the final one
    return {
        "token embedding": embedding_params(vocab_size, d_model),
        "position embedding": embedding_params(context_length, d_model) if learned_positions else 0,
        "attention": n_layers * mha_params(d_model, n_heads, bias),
        "feed-forward": n_layers * ffn_params(d_model, d_ff, bias),
        "layer norms": norms,
        "LM head": 0 if tied_head else embedding_params(vocab_size, d_model),
    }


def gpt_params(n_layers: int, d_model: int, n_heads: int, vocab_size: int, context_length: int,
               d_ff: int | None = None, bias: bool = True, layer_norm: bool = True,
               learned_positions: bool = True, tied_head: bool = True) -> int:
    """Total of :func:`gpt_breakdown`; with every switch on it equals transformers' GPT2LMHeadModel."""
    return sum(gpt_breakdown(n_layers, d_model, n_heads, vocab_size, context_length, d_ff, bias,
                             layer_norm, learned_positions, tied_head).values())


def gpt_non_embedding_params(n_layers: int, d_model: int, n_heads: int, d_ff: int | None = None,
                             bias: bool = True, layer_norm: bool = True) -> int:
    """Kaplan et al.'s N: everything but the token and position embeddings (≈ 12 L d_model²)."""
    d_ff = 4 * d_model if d_ff is None else d_ff
    _positive(n_layers=n_layers)
    final_norm = layer_norm_params(d_model) if layer_norm else 0
    return n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias, layer_norm) + final_norm


def encoder_breakdown(n_layers: int, d_model: int, n_heads: int, d_ff: int, vocab_size: int, max_positions: int,
                      type_vocab_size: int = 2, pooler: bool = True) -> dict[str, int]:
    """A BERT encoder (transformers' BertModel) by component: token, position and segment embeddings
    with their layer norm, post-norm layers with biases, and the pooler's dense d_model → d_model."""
    _positive(n_layers=n_layers, d_ff=d_ff, vocab_size=vocab_size, max_positions=max_positions,
              type_vocab_size=type_vocab_size)
    return {
        "embeddings": (embedding_params(vocab_size, d_model) + embedding_params(max_positions, d_model)
                       + embedding_params(type_vocab_size, d_model) + layer_norm_params(d_model)),
        "attention": n_layers * mha_params(d_model, n_heads, bias=True),
        "feed-forward": n_layers * ffn_params(d_model, d_ff, bias=True),
        "layer norms": n_layers * 2 * layer_norm_params(d_model),
        "pooler": (d_model * d_model + d_model) if pooler else 0,
    }


def encoder_params(n_layers: int, d_model: int, n_heads: int, d_ff: int, vocab_size: int, max_positions: int,
                   type_vocab_size: int = 2, pooler: bool = True) -> int:
    """Total of :func:`encoder_breakdown`: equals transformers' BertModel (BERT-base 109,482,240)."""
    return sum(encoder_breakdown(n_layers, d_model, n_heads, d_ff, vocab_size, max_positions,
                                 type_vocab_size, pooler).values())


# --- what training costs ----------------------------------------------------------------------------------------

def training_memory_bytes(n_params: int, bytes_per_param: int = BYTES_PER_PARAM_ADAM) -> int:
    """Weights, gradients and Adam's two moments: 16 bytes a parameter (activations not included)."""
    _positive(n_params=n_params, bytes_per_param=bytes_per_param)
    return n_params * bytes_per_param


def training_memory_gb(n_params: int, bytes_per_param: int = BYTES_PER_PARAM_ADAM) -> float:
    """The same in GB (10^9 bytes)."""
    return training_memory_bytes(n_params, bytes_per_param) / 1e9


def training_flops(n_params: float, n_tokens: float) -> float:
    """C ≈ 6 N D FLOPs to train N parameters on D tokens (kaplan2020scaling)."""
    if n_params <= 0 or n_tokens <= 0:
        raise ValueError(f"n_params and n_tokens must be positive, got {n_params} and {n_tokens}")
    return float(FLOPS_PER_PARAM_TOKEN) * n_params * n_tokens


# --- the independent oracle -------------------------------------------------------------------------------------

def meta_model(config, **kwargs):
    """Build the transformers model for ``config`` on the meta device (shapes, no memory): a
    GPT2LMHeadModel for a GPT2Config, the base model (e.g. BertModel) for anything else."""
    import torch
    from transformers import AutoModel, AutoModelForCausalLM, GPT2Config
    builder = AutoModelForCausalLM if isinstance(config, GPT2Config) else AutoModel
    with torch.device("meta"):
        return builder.from_config(config, **kwargs)


def meta_param_count(config, **kwargs) -> int:
    """Parameters of :func:`meta_model` (a tied matrix counts once): the oracle for the formulas above."""
    return sum(p.numel() for p in meta_model(config, **kwargs).parameters())
