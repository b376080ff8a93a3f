"""Checks the lengths with assert, raising AssertionError (and nothing at all under python -O) instead of
ValueError. Breaks macro_f1 (lengths)."""
# %% macro_f1
#-     if y_true.shape != y_pred.shape:
#-         raise ValueError(f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}: they must match")
#+     assert y_true.shape == y_pred.shape, "y_true and y_pred must have the same length"
