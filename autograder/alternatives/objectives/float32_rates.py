"""The metrics computed the way most PyTorch users compute a rate: float32 tensors, `(t == p).float().mean()`,
per-class counts from one-hot float32 matrices, `.item()` at the end. Off from scikit-learn by float32 rounding
only (about 1e-7); must earn full marks."""
# %% accuracy
def accuracy(y_true, y_pred) -> float:
    t, p = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if len(t) != len(p):
        raise ValueError("y_true and y_pred have different lengths")
    return (t == p).float().mean().item()
# %% macro_f1
def macro_f1(y_true, y_pred) -> float:
    t, p = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if len(t) != len(p):
        raise ValueError("y_true and y_pred have different lengths")
    classes = torch.unique(torch.cat([t, p]))
    t_hot = (t[:, None] == classes[None, :]).float()
    p_hot = (p[:, None] == classes[None, :]).float()
    tp = (t_hot * p_hot).sum(0)
    fp = p_hot.sum(0) - tp
    fn = t_hot.sum(0) - tp
    denominator = 2 * tp + fp + fn
    f1 = torch.where(denominator > 0, 2 * tp / denominator.clamp(min=1), torch.zeros_like(tp))
    return f1.mean().item()
# %% micro_f1
def micro_f1(y_true, y_pred) -> float:
    t, p = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if len(t) != len(p):
        raise ValueError("y_true and y_pred have different lengths")
    tp = (t == p).float().sum()
    fp = fn = (t != p).float().sum()  # every wrong prediction is one FP (its class) and one FN (the true one)
    return (2 * tp / (2 * tp + fp + fn)).item()
