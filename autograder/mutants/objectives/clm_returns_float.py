"""Returns loss.item(), a Python float: nothing to call backward() on. Breaks clm_loss."""
# %% clm_loss
#-     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index)
#+     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index).item()
