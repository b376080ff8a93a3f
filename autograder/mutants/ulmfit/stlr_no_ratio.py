"""Ignores ratio and returns lr_max * p, which starts at 0 and decays to 0. Breaks slanted_triangular_lr."""
# %% slanted_triangular_lr
def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
    cut = math.floor(T * cut_frac)
    if t < cut:
        p = t / cut
    else:
        p = 1 - (t - cut) / (cut * (1 / cut_frac - 1))
    return lr_max * p
