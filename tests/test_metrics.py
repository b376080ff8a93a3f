"""The library's metrics against scikit-learn (zero_division=0) on many random label vectors."""

import numpy as np
import pytest
import torch
from sklearn import metrics as sk

from llmcourse import metrics


def random_cases(n_cases=120, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        k = int(rng.integers(2, 7))
        n = int(rng.integers(1, 40))
        y_true = rng.integers(0, k, n)
        y_pred = rng.integers(0, k, n)
        if rng.random() < 0.3:  # some classes never predicted, some never present
            y_pred = np.minimum(y_pred, k - 2)
        if rng.random() < 0.3:
            y_true = np.maximum(y_true, 1)
        yield k, y_true, y_pred


def test_against_sklearn_on_random_label_vectors():
    for k, t, p in random_cases():
        labels = list(range(k))
        assert metrics.accuracy(t, p) == pytest.approx(sk.accuracy_score(t, p))
        np.testing.assert_array_equal(metrics.confusion_matrix(t, p, k), sk.confusion_matrix(t, p, labels=labels))
        # scikit-learn's default: average over the classes seen in y_true or y_pred
        assert metrics.macro_f1(t, p) == pytest.approx(sk.f1_score(t, p, average="macro", zero_division=0))
        assert metrics.micro_f1(t, p) == pytest.approx(sk.f1_score(t, p, average="micro", zero_division=0))
        # with every class named, unseen classes count as F1 = 0
        assert metrics.macro_f1(t, p, k) == pytest.approx(
            sk.f1_score(t, p, labels=labels, average="macro", zero_division=0))
        assert metrics.micro_f1(t, p, k) == pytest.approx(
            sk.f1_score(t, p, labels=labels, average="micro", zero_division=0))
        prec, rec, f1 = metrics.precision_recall_f1(t, p, k)
        sp, sr, sf, _ = sk.precision_recall_fscore_support(t, p, labels=labels, zero_division=0)
        np.testing.assert_allclose(prec, sp)
        np.testing.assert_allclose(rec, sr)
        np.testing.assert_allclose(f1, sf)


def test_zero_division_cases():
    # class 2 is never predicted and never present: precision, recall and F1 are 0, not NaN
    t, p = [0, 0, 1, 1], [0, 1, 1, 1]
    prec, rec, f1 = metrics.precision_recall_f1(t, p, 3)
    assert prec[2] == rec[2] == f1[2] == 0.0
    assert metrics.macro_f1(t, p, 3) == pytest.approx(sk.f1_score(t, p, labels=[0, 1, 2], average="macro", zero_division=0))
    # every prediction wrong: all zeros
    assert metrics.macro_f1([0, 0], [1, 1]) == 0.0 == sk.f1_score([0, 0], [1, 1], average="macro", zero_division=0)


def test_micro_f1_is_accuracy_for_single_label_tasks():
    for k, t, p in random_cases(50, seed=1):
        assert metrics.micro_f1(t, p) == pytest.approx(metrics.accuracy(t, p))


def test_accepts_lists_arrays_and_tensors():
    t, p = [0, 1, 2, 2], [0, 2, 2, 1]
    ref = metrics.macro_f1(t, p)
    assert metrics.macro_f1(np.array(t), np.array(p)) == ref
    assert metrics.macro_f1(torch.tensor(t), torch.tensor(p)) == ref


@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.macro_f1, metrics.micro_f1, metrics.confusion_matrix])
def test_clear_errors(fn):
    with pytest.raises(ValueError, match="one prediction per example"):
        fn([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        fn([], [])
    with pytest.raises(ValueError, match="negative"):
        fn([0, -1], [0, 1])
    with pytest.raises(TypeError, match="integer class indices"):
        fn(["a", "b"], ["a", "b"])
    with pytest.raises(ValueError, match="1-D"):
        fn([[0, 1]], [[0, 1]])


def test_out_of_range_class_is_an_error():
    with pytest.raises(ValueError, match="out of range"):
        metrics.confusion_matrix([0, 3], [0, 1], n_classes=3)


def test_categorise_errors_rules():
    K = 3
    y_true = [0, 0, 0, 0, 1]
    y_pred = [1, 1, 1, 2, 1]
    proba = np.array([[0.1, 0.8, 0.1],    # confident
                      [0.45, 0.5, 0.05],  # small margin, reference in the top two
                      [0.1, 0.8, 0.1],
                      [0.1, 0.1, 0.8],
                      [0.1, 0.8, 0.1]])
    y_other = [1, 0, 0, 0, 1]
    evidence = np.array([[0, 3, 0],       # text favours the prediction, other model agrees
                         [1, 1, 0],
                         [5, 1, 0],       # text favours the reference
                         [1, 1, 1],       # nothing decides
                         [0, 0, 0]])
    cats = metrics.categorise_errors(y_true, y_pred, proba, y_other, evidence, margin=0.2)
    assert cats == ["reference label questionable", "text ambiguous", "model wrong", "other", None]
    assert set(c for c in cats if c) <= set(metrics.ERROR_CATEGORIES)
    with pytest.raises(ValueError, match="one row per example"):
        metrics.categorise_errors(y_true, y_pred, proba[:3], y_other, evidence)


def test_accuracy_standard_error_is_the_binomial_one():
    from llmcourse.metrics import accuracy_standard_error
    rng = np.random.default_rng(0)
    for p, n in [(0.5, 100), (0.87, 317), (0.02, 2000), (1.0, 10)]:
        # the standard deviation of the mean of n Bernoulli(p) draws, estimated from many simulated test sets
        simulated = rng.binomial(n, p, size=200_000).std() / n
        assert abs(accuracy_standard_error(p, n) - simulated) <= 0.01 * max(simulated, 1e-9) + 1e-12
    with pytest.raises(ValueError, match="n > 0"):
        accuracy_standard_error(0.5, 0)
