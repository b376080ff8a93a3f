"""Kaplan et al.'s power laws and Chinchilla's compute-optimal rule at known points."""

import math

import numpy as np
import pytest

from llmcourse import scaling
from llmcourse.params import training_flops


def test_constants_are_the_papers():
    assert (scaling.ALPHA_N, scaling.N_C) == (0.076, 8.8e13)
    assert (scaling.ALPHA_D, scaling.D_C) == (0.095, 5.4e13)
    assert (scaling.ALPHA_C, scaling.C_C) == (0.050, 3.1e8)
    assert scaling.PF_DAY == pytest.approx(8.64e19)


def test_laws_at_known_points():
    # each law is 1 nat/token at its critical constant, and follows the closed form elsewhere
    assert scaling.loss_vs_params(8.8e13) == pytest.approx(1.0)
    assert scaling.loss_vs_data(5.4e13) == pytest.approx(1.0)
    assert scaling.loss_vs_compute(3.1e8) == pytest.approx(1.0)
    assert scaling.loss_vs_params(8.8e8) == pytest.approx(10 ** (5 * 0.076))
    assert scaling.loss_vs_data(5.4e9) == pytest.approx(10 ** (4 * 0.095))
    assert scaling.loss_vs_compute(1.0) == pytest.approx(3.1e8 ** 0.05)
    # a 1.5B-parameter model: loss a little above 2 nats/token, the range Kaplan et al.'s figure 1 shows
    assert 2.0 < scaling.loss_vs_params(1.5e9) < 2.5


@pytest.mark.parametrize("law,alpha", [(scaling.loss_vs_params, 0.076), (scaling.loss_vs_data, 0.095),
                                       (scaling.loss_vs_compute, 0.050)])
def test_laws_fall_by_a_constant_factor_per_decade(law, alpha):
    xs = np.logspace(-3, 15, 40)
    losses = np.array([law(x) for x in xs])
    assert np.all(np.diff(losses) < 0)
    slopes = np.diff(np.log(losses)) / np.diff(np.log(xs))
    assert np.allclose(slopes, -alpha)


def test_chinchilla_at_its_own_budget():
    # Chinchilla and Gopher used 5.76e23 FLOPs; Hoffmann et al.'s Table 3 gives 67B parameters and 1.5T
    # tokens for it, and Chinchilla itself has 70B parameters trained on 1.4T tokens.
    n, d = scaling.chinchilla_optimal(5.76e23)
    assert n == pytest.approx(70e9, rel=0.05) and d == pytest.approx(1.4e12, rel=0.05)
    assert d / n == pytest.approx(20)
    assert training_flops(n, d) == pytest.approx(5.76e23)


@pytest.mark.parametrize("c", [1e18, 3.14e23, 1e26])
def test_chinchilla_is_consistent_with_6nd_and_sqrt_growth(c):
    n, d = scaling.chinchilla_optimal(c)
    assert training_flops(n, d) == pytest.approx(c)
    n100, d100 = scaling.chinchilla_optimal(100 * c)
    assert n100 / n == pytest.approx(100 ** scaling.CHINCHILLA_A) and d100 / d == pytest.approx(100 ** scaling.CHINCHILLA_B)
    n_other, d_other = scaling.chinchilla_optimal(c, tokens_per_param=10)
    assert d_other / n_other == pytest.approx(10) and training_flops(n_other, d_other) == pytest.approx(c)


def test_pf_days():
    assert scaling.flops_to_pf_days(scaling.PF_DAY) == 1.0
    assert scaling.flops_to_pf_days(3.14e23) == pytest.approx(3634, rel=1e-3)  # GPT-3: 3.64e3 PF-days (Brown et al.)


def test_bad_input_is_refused():
    for bad in (0, -1.0, math.nan):
        with pytest.raises(ValueError, match="must be positive"):
            scaling.loss_vs_params(bad)
    with pytest.raises(ValueError, match="c_flops must be positive"):
        scaling.chinchilla_optimal(0)
    with pytest.raises(ValueError, match="tokens_per_param must be positive"):
        scaling.chinchilla_optimal(1e20, tokens_per_param=0)
