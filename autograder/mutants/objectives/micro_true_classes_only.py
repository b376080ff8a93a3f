"""Sums the counts only over the classes of y_true: predictions of a class that never occurs are not counted as
false positives. Breaks micro_f1."""
# %% micro_f1
#-     for c in torch.unique(torch.cat([y_true, y_pred])):
#+     for c in torch.unique(y_true):
