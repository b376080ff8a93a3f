"""Scaling laws of language-model loss: Kaplan et al. (2020), eqs. (1.1)-(1.3) with the constants
given with them in their section 1.2, and the compute-optimal rule of Hoffmann et al. (2022)."""

from __future__ import annotations

from llmcourse.params import FLOPS_PER_PARAM_TOKEN

# kaplan2020scaling, eqs. (1.1)-(1.3): loss in nats/token on WebText2; N = non-embedding parameters,
# D = tokens, C_min = compute in PF-days used at the optimal model size.
ALPHA_N, N_C = 0.076, 8.8e13
ALPHA_D, D_C = 0.095, 5.4e13
ALPHA_C, C_C = 0.050, 3.1e8
PF_DAY = 1e15 * 24 * 3600  # FLOPs in one petaflop/s-day

# hoffmann2022training, Table 2 (approach 1): N_opt ∝ C^a and D_opt ∝ C^b with a = b = 0.50, which
# with their Table 3 comes to about 20 tokens per parameter.
CHINCHILLA_A = CHINCHILLA_B = 0.5
TOKENS_PER_PARAM = 20


def _positive(name: str, value: float) -> float:
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def loss_vs_params(n: float) -> float:
    """L(N) = (N_c / N)^α_N: loss of a model with N non-embedding parameters trained to convergence
    on enough data."""
    return (N_C / _positive("n (non-embedding parameters)", n)) ** ALPHA_N


def loss_vs_data(d: float) -> float:
    """L(D) = (D_c / D)^α_D: loss of a large model trained on D tokens with early stopping."""
    return (D_C / _positive("d (tokens)", d)) ** ALPHA_D


def loss_vs_compute(c_pf_days: float) -> float:
    """L(C_min) = (C_c / C_min)^α_C: the best loss reachable with C_min PF-days spent optimally."""
    return (C_C / _positive("c_pf_days", c_pf_days)) ** ALPHA_C


def flops_to_pf_days(c_flops: float) -> float:
    """Convert FLOPs to petaflop/s-days, the unit of Kaplan et al. and Brown et al."""
    return _positive("c_flops", c_flops) / PF_DAY


def chinchilla_optimal(c_flops: float, tokens_per_param: float = TOKENS_PER_PARAM) -> tuple[float, float]:
    """Compute-optimal (N, D) for a budget of C FLOPs: C = 6 N D with D = 20 N gives
    N = sqrt(C / 120) and D = 20 N, both growing as C^0.5."""
    _positive("c_flops", c_flops)
    _positive("tokens_per_param", tokens_per_param)
    n = (c_flops / (FLOPS_PER_PARAM_TOKEN * tokens_per_param)) ** 0.5  # = C^a with a = 0.5
    return n, tokens_per_param * n
