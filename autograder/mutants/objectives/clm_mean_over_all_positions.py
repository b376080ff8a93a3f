"""Sums the loss of real targets but divides by every position, padding included. Breaks clm_loss."""
# %% clm_loss
#-     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index)
#+     total = F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index,
#+                             reduction="sum")
#+     return total / targets.numel()
