"""Computes F1 from the macro-averaged precision and recall instead of averaging per-class F1. Breaks macro_f1."""
# %% macro_f1
def macro_f1(y_true, y_pred) -> float:
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same length")
    precisions, recalls = [], []
    for c in torch.unique(torch.cat([y_true, y_pred])):
        tp = ((y_pred == c) & (y_true == c)).sum().item()
        fp = ((y_pred == c) & (y_true != c)).sum().item()
        fn = ((y_pred != c) & (y_true == c)).sum().item()
        precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return float(2 * p * r / (p + r)) if p + r else 0.0
