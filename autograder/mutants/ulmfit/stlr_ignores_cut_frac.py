"""Hard-codes cut_frac = 0.1 and ignores the argument. Breaks slanted_triangular_lr."""
# %% slanted_triangular_lr
#- def slanted_triangular_lr(t: int, T: int, lr_max: float, cut_frac: float = 0.1, ratio: float = 32) -> float:
#-     """The learning rate at iteration t of T under ULMFiT's slanted triangular schedule (eq. 3)."""
#+ def slanted_triangular_lr(t, T, lr_max, cut_frac=0.1, ratio=32):
#+     cut_frac = 0.1
