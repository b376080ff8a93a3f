"""Never checks the lengths: torch broadcasting compares a 1-label vector with any other, and unequal lengths
raise RuntimeError instead of ValueError. Breaks micro_f1 (lengths)."""
# %% micro_f1
#-     if y_true.shape != y_pred.shape:
#-         raise ValueError(f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}: they must match")
#+     pass
