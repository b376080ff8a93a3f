"""Forgets to pass ignore_index on: padding with an id other than -100 counts in the loss. Breaks clm_loss."""
# %% clm_loss
#-     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index)
#+     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1))
