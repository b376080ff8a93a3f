"""Averages only over the classes in y_true, forgetting classes that are only predicted. Breaks macro_f1."""
# %% macro_f1
def macro_f1(y_true, y_pred) -> float:
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same length")
    scores = []
    for c in torch.unique(y_true):
        tp = ((y_pred == c) & (y_true == c)).sum().item()
        fp = ((y_pred == c) & (y_true != c)).sum().item()
        fn = ((y_pred != c) & (y_true == c)).sum().item()
        scores.append(2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0)
    return float(sum(scores) / len(scores))
