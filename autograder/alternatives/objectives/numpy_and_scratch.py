"""Metrics with NumPy (np.asarray on lists or tensors, a confusion matrix built with np.add.at, float() at the
end), mlm_mask choosing among the three outcomes with torch.multinomial, and the scratch lines a student leaves
behind at the top level of the cells (names the probes and public tests also use: ids, labels, logits, g).
Must earn full marks."""
# %% mlm_mask
ids = torch.arange(10)
g = torch.Generator().manual_seed(0)
def mlm_mask(input_ids, mask_token_id, vocab_size, special_token_ids=(), mlm_probability=0.15, generator=None):
    ids = input_ids.clone()
    special = torch.zeros_like(ids, dtype=torch.bool)
    for s in list(special_token_ids):
        special = special | (ids == int(s))
    selected = (torch.rand(ids.shape, generator=generator) < mlm_probability) & ~special
    labels = torch.full_like(ids, -100)
    labels[selected] = input_ids[selected]
    outcome = torch.multinomial(torch.tensor([0.8, 0.1, 0.1]), ids.numel(), replacement=True,
                                generator=generator).reshape(ids.shape)
    ids[selected & (outcome == 0)] = mask_token_id
    change = selected & (outcome == 1)
    ids[change] = torch.randint(0, vocab_size, ids.shape, generator=generator)[change]
    return ids, labels
labels = mlm_mask(ids, 3, 10, (0,), 0.5, g)[1]
print(labels)
# %% accuracy
import numpy as np
logits = None
def accuracy(y_true, y_pred) -> float:
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.shape != p.shape:
        raise ValueError("lengths differ")
    return float(np.mean(t == p))
# %% macro_f1
def confusion(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.shape != p.shape:
        raise ValueError("lengths differ")
    classes, codes = np.unique(np.concatenate([t, p]), return_inverse=True)
    matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(matrix, (codes[:len(t)], codes[len(t):]), 1)
    return matrix


def macro_f1(y_true, y_pred) -> float:
    m = confusion(y_true, y_pred)
    tp = np.diag(m)
    denominator = m.sum(0) + m.sum(1)  # 2 TP + FP + FN
    return float(np.mean(np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)))
# %% micro_f1
def micro_f1(y_true, y_pred) -> float:
    m = confusion(y_true, y_pred)
    tp = np.trace(m)
    return float(2 * tp / (2 * m.sum())) if m.sum() else 0.0
