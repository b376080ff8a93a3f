"""Computes F1 from the macro-averaged precision and recall instead of averaging per-class F1. Breaks macro_f1."""
# %% macro_f1
#-         raise ValueError(f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}: they must match")
#-     scores = []
#+         raise ValueError("y_true and y_pred must have the same length")
#+     precisions, recalls = [], []
#-         denominator = 2 * tp + fp + fn
#-         scores.append(2 * tp / denominator if denominator else 0.0)
#-     return float(sum(scores) / len(scores))
#+         precisions.append(tp / (tp + fp) if tp + fp else 0.0)
#+         recalls.append(tp / (tp + fn) if tp + fn else 0.0)
#+     p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
#+     return float(2 * p * r / (p + r)) if p + r else 0.0
