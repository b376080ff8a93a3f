"""Returns the number of correct predictions instead of the fraction. Breaks accuracy."""
# %% accuracy
#-         raise ValueError(f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}: they must match")
#-     return float((y_true == y_pred).double().mean().item())
#+         raise ValueError("y_true and y_pred must have the same length")
#+     return float((y_true == y_pred).sum().item())
