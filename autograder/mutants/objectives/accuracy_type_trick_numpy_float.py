"""Returns a NumPy float64 (right value) where a Python float is due. Breaks accuracy."""
# %% accuracy
import numpy as np


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same length")
    return (y_true == y_pred).mean()
