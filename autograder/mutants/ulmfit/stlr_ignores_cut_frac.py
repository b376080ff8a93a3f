"""Hard-codes cut_frac = 0.1 and ignores the argument. Breaks slanted_triangular_lr."""
# %% slanted_triangular_lr
def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
    cut_frac = 0.1
    cut = math.floor(T * cut_frac)

    if t < cut:
        p = t / cut
    else:
        p = 1 - (t - cut) / (cut * (1 / cut_frac - 1))
    return lr_max * (1 + p * (ratio - 1)) / ratio
