"""Scaling laws of language-model loss: Kaplan et al. (2020), eqs. 1.1-1.3 with the constants of
their Table 1 / section 1.2, and the compute-optimal rule of Hoffmann et al. (2022)."""

from __future__ import annotations

# Kaplan et al. (2020): N is non-embedding parameters, D tokens, C_min compute in PF-days.
ALPHA_N, N_C = 0.076, 8.8e13
ALPHA_D, D_C = 0.095, 5.4e13
ALPHA_C, C_C = 0.050, 3.1e8
PF_DAY = 1e15 * 24 * 3600  # FLOPs in one petaflop/s-day

TOKENS_PER_PARAM = 20  # Hoffmann et al. (2022): compute-optimal D ≈ 20 N


def loss_vs_params(n: float) -> float:
    """L(N) = (N_c / N)^α_N: test loss (nats/token) of a model with N non-embedding parameters
    trained to convergence on enough data."""
    return (N_C / n) ** ALPHA_N


def loss_vs_data(d: float) -> float:
    """L(D) = (D_c / D)^α_D: a large model trained on D tokens with early stopping."""
    return (D_C / d) ** ALPHA_D


def loss_vs_compute(c_pf_days: float) -> float:
    """L(C_min) = (C_c / C_min)^α_C: the best loss reachable with C_min PF-days used optimally."""
    return (C_C / c_pf_days) ** ALPHA_C


def chinchilla_optimal(c_flops: float) -> tuple[float, float]:
    """(N, D) with C = 6 N D and D = 20 N: N = sqrt(C / 120), D = 20 N."""
    n = (c_flops / (6 * TOKENS_PER_PARAM)) ** 0.5
    return n, TOKENS_PER_PARAM * n
