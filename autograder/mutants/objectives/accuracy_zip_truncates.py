"""Pairs labels with zip and never checks the lengths: mismatched inputs are silently truncated. Breaks accuracy."""
# %% accuracy
def accuracy(y_true, y_pred) -> float:
    pairs = list(zip(list(y_true), list(y_pred)))
    return float(sum(int(a) == int(b) for a, b in pairs) / len(pairs))
