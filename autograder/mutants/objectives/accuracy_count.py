"""Returns the number of correct predictions instead of the fraction. Breaks accuracy."""
# %% accuracy
def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same length")
    return float((y_true == y_pred).sum().item())
