"""Averages each sequence's mean loss, then the sequences: with padding, a short sequence's tokens weigh more
than a long one's. Breaks clm_loss (ignore_index)."""
# %% clm_loss
#-     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index)
#+     per_token = F.cross_entropy(shifted.transpose(1, 2), targets, ignore_index=ignore_index, reduction="none")
#+     counts = (targets != ignore_index).sum(1).clamp(min=1)
#+     return (per_token.sum(1) / counts).mean()
