"""Training cost and the meta-device oracle for parameter counts.

The closed-form counts (attention, feed-forward, a GPT or BERT) are what the param_counts exercise asks students
to write, so the course library does not hold them: the chapters count with the meta-device models below and
show the formulas in their text."""

from __future__ import annotations

BYTES_PER_PARAM_ADAM = 16  # mixed precision: fp16 weight 2 + fp16 gradient 2, fp32 master weight 4 + Adam's m 4 + v 4 (rajbhandari2020zero)
FLOPS_PER_PARAM_TOKEN = 6  # 2 forward + 4 backward per parameter and token (kaplan2020scaling, sec. 2.1)


# --- the cost of training ---------------------------------------------------------------------------------------

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
