"""Classification metrics written from the confusion matrix (accuracy, per-class precision,
recall and F1, macro- and micro-F1), and transparent rules that sort a model's errors into
four disagreement categories. The numbers equal scikit-learn's with ``zero_division=0``."""

from __future__ import annotations

from typing import Sequence

import numpy as np

ERROR_CATEGORIES: tuple[str, ...] = ("model wrong", "reference label questionable", "text ambiguous", "other")


def _labels(y, name: str) -> np.ndarray:
    """A 1-D integer array from a list, NumPy array or torch tensor, or a clear error."""
    if hasattr(y, "detach"):  # a torch tensor
        y = y.detach().cpu().numpy()
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of class indices, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer class indices (0, 1, ...), got dtype {arr.dtype}; "
                            "map label names to indices first")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} holds a negative class index ({arr.min()}); class indices start at 0")
    return arr.astype(np.int64)


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} labels but y_pred has {len(p)}: pass one prediction per example")
    if len(t) == 0:
        raise ValueError("y_true and y_pred are empty: a metric needs at least one example")
    return t, p


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """C[i, j] = number of examples with reference class i predicted as class j."""
    t, p = _pair(y_true, y_pred)
    needed = int(max(t.max(), p.max())) + 1
    if n_classes is None:
        n_classes = needed
    elif needed > n_classes:
        raise ValueError(f"a class index {needed - 1} is out of range for n_classes={n_classes}")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (t, p), 1)
    return C


def accuracy(y_true, y_pred) -> float:
    """Share of examples whose prediction equals the reference label."""
    t, p = _pair(y_true, y_pred)
    return float((t == p).mean())


def accuracy_standard_error(accuracy: float, n: int) -> float:
    """Binomial standard error of an accuracy measured on n examples, sqrt(p (1 - p) / n): how far
    another test set of the same size could move it."""
    if n <= 0 or not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"need 0 <= accuracy <= 1 and n > 0, got {accuracy} and {n}")
    return (accuracy * (1 - accuracy) / n) ** 0.5


def _counts(y_true, y_pred, n_classes: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives per class, and the classes averaged over:
    range(n_classes) if given, else the classes seen in y_true or y_pred (scikit-learn's default)."""
    t, p = _pair(y_true, y_pred)
    C = confusion_matrix(t, p, n_classes)
    classes = np.arange(n_classes) if n_classes is not None else np.union1d(t, p)
    tp = np.diag(C)[classes]
    fp = C.sum(0)[classes] - tp
    fn = C.sum(1)[classes] - tp
    return tp, fp, fn, classes


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, and 0 where den is 0 (scikit-learn's zero_division=0)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    return out


def precision_recall_f1(y_true, y_pred, n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision TP/(TP+FP), recall TP/(TP+FN) and F1 = 2TP/(2TP+FP+FN)."""
    tp, fp, fn, _ = _counts(y_true, y_pred, n_classes)
    return _safe_divide(tp, tp + fp), _safe_divide(tp, tp + fn), _safe_divide(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, n_classes: int | None = None) -> float:
    """Unweighted mean of the per-class F1 scores: every topic counts the same, however rare."""
    return float(precision_recall_f1(y_true, y_pred, n_classes)[2].mean())


def micro_f1(y_true, y_pred, n_classes: int | None = None) -> float:
    """F1 of the pooled counts 2ΣTP/(2ΣTP+ΣFP+ΣFN); over all classes of a single-label task it is the accuracy."""
    tp, fp, fn, _ = _counts(y_true, y_pred, n_classes)
    return float(_safe_divide(2 * tp.sum(), 2 * tp.sum() + fp.sum() + fn.sum()))


def categorise_errors(y_true, y_pred, proba: np.ndarray, y_other, evidence: np.ndarray,
                      margin: float = 0.2) -> list[str | None]:
    """One of ERROR_CATEGORIES for every misclassified example (None where the prediction is right).

    Rules, applied in order, from three independent signals: ``proba`` (n, K) the model's class
    probabilities, ``y_other`` the predictions of a second, differently built model, and
    ``evidence`` (n, K) keyword evidence for each class in the text.
      1. reference label questionable: the second model makes the same prediction and the text's
         keyword evidence favours the predicted class over the reference.
      2. text ambiguous: the model's top two probabilities differ by less than ``margin`` and the
         reference is one of the two.
      3. model wrong: the keyword evidence favours the reference over the prediction.
      4. other: none of the above."""
    t, p = _pair(y_true, y_pred)
    o = _labels(y_other, "y_other")
    proba, evidence = np.asarray(proba, dtype=float), np.asarray(evidence, dtype=float)
    if len(o) != len(t) or proba.shape[0] != len(t) or evidence.shape != proba.shape:
        raise ValueError(f"y_other {len(o)}, proba {proba.shape} and evidence {evidence.shape} must all have "
                         f"one row per example ({len(t)}) and one column per class")
    out: list[str | None] = []
    for i in range(len(t)):
        ref, pred = t[i], p[i]
        if ref == pred:
            out.append(None)
            continue
        top2 = np.argsort(-proba[i])[:2]
        gap = proba[i, top2[0]] - proba[i, top2[1]]
        if o[i] == pred and evidence[i, pred] > evidence[i, ref]:
            out.append(ERROR_CATEGORIES[1])
        elif gap < margin and ref in top2:
            out.append(ERROR_CATEGORIES[2])
        elif evidence[i, ref] > evidence[i, pred]:
            out.append(ERROR_CATEGORIES[0])
        else:
            out.append(ERROR_CATEGORIES[3])
    return out
