"""Treats 0/0 as 1 (zero_division=1) for precision and recall, over every id 0 .. max. Breaks macro_f1."""
# %% macro_f1
#-         raise ValueError(f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}: they must match")
#+         raise ValueError("y_true and y_pred must have the same length")
#-     for c in torch.unique(torch.cat([y_true, y_pred])):
#+     for c in range(int(max(y_true.max(), y_pred.max())) + 1):
#-         denominator = 2 * tp + fp + fn
#-         scores.append(2 * tp / denominator if denominator else 0.0)
#+         precision = tp / (tp + fp) if tp + fp else 1.0
#+         recall = tp / (tp + fn) if tp + fn else 1.0
#+         scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
