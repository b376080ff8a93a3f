"""Weights each class's F1 by its support (scikit-learn's average="weighted"), not a plain mean. Breaks macro_f1."""
# %% macro_f1
#-         raise ValueError(f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}: they must match")
#-     scores = []
#+         raise ValueError("y_true and y_pred must have the same length")
#+     total = 0.0
#-         denominator = 2 * tp + fp + fn
#-         scores.append(2 * tp / denominator if denominator else 0.0)
#-     return float(sum(scores) / len(scores))
#+         f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0
#+         total += f1 * (y_true == c).sum().item()
#+     return float(total / len(y_true))
