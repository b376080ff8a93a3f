"""Warm-up fraction taken of T instead of cut (p = t / (T * cut_frac) without the floor). Breaks slanted_triangular_lr."""
# %% slanted_triangular_lr
def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
    cut = math.floor(T * cut_frac)
    if t < cut:
        p = t / (T * cut_frac)

    else:
        p = 1 - (t - cut) / (cut * (1 / cut_frac - 1))
    return lr_max * (1 + p * (ratio - 1)) / ratio
