"""The slanted triangular rate as a piecewise-linear interpolation (numpy's interp between the three corners of
the triangle), which clamps at lr_max / ratio after the end of the decay: eq. 3 with p floored at 0. A float."""
# %% slanted_triangular_lr
import numpy as np


def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
    cut = int(T * cut_frac)
    end = cut / cut_frac  # where eq. 3's decay reaches p = 0
    return float(np.interp(t, [0, cut, end], [lr_max / ratio, lr_max, lr_max / ratio]))
