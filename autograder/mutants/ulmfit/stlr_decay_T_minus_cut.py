"""Decays over T - cut iterations instead of the paper's cut * (1/cut_frac - 1), which differs once cut is floored. Breaks slanted_triangular_lr."""
# %% slanted_triangular_lr
#- def slanted_triangular_lr(t: int, T: int, lr_max: float, cut_frac: float = 0.1, ratio: float = 32) -> float:
#-     """The learning rate at iteration t of T under ULMFiT's slanted triangular schedule (eq. 3)."""
#+ def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
#-         p = 1 - (t - cut) / (cut * (1 / cut_frac - 1))
#+         p = 1 - (t - cut) / (T - cut)
#+
