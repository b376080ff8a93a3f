"""All three written with helper functions and scratch cells left in: a plotting loop's leftovers, a helper for
the p of equation 3, numpy floats converted, a min/max clamp for the first group to train."""
# %% slanted_triangular_lr
import numpy as np

ts = list(range(0, 1001, 100))  # scratch: trying the schedule out


def _p(t, cut, cut_frac):
    return t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))


def slanted_triangular_lr(t: int, T: int, lr_max: float, cut_frac: float = 0.1, ratio: float = 32) -> float:
    cut = np.floor(T * cut_frac)
    return float(lr_max * (1 + _p(t, cut, cut_frac) * (ratio - 1)) / ratio)


print([round(slanted_triangular_lr(t, 1000, 0.01), 5) for t in ts])
# %% discriminative_param_groups
def discriminative_param_groups(layer_groups, lr, factor=2.6):
    n = len(layer_groups)
    out = []
    for i in range(n):
        out.append(dict(params=[p for p in layer_groups[i].parameters()], lr=lr * factor ** -(n - 1 - i)))
    return out
# %% gradual_unfreeze
def gradual_unfreeze(layer_groups, stage):
    groups = list(layer_groups)
    first = min(max(len(groups) - 1 - stage, 0), len(groups))
    for g in groups[:first]:
        g.requires_grad_(False)
    for g in groups[first:]:
        g.requires_grad_(True)
