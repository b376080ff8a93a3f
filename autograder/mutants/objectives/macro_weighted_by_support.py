"""Weights each class's F1 by its support (scikit-learn's average="weighted"), not a plain mean. Breaks macro_f1."""
# %% macro_f1
def macro_f1(y_true, y_pred) -> float:
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same length")
    total = 0.0
    for c in torch.unique(torch.cat([y_true, y_pred])):
        tp = ((y_pred == c) & (y_true == c)).sum().item()
        fp = ((y_pred == c) & (y_true != c)).sum().item()
        fn = ((y_pred != c) & (y_true == c)).sum().item()
        f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0
        total += f1 * (y_true == c).sum().item()
    return float(total / len(y_true))
