"""Computes the right value, then returns torch.tensor(loss.item()): a scalar tensor cut from the graph, so
backward() raises and training learns nothing. Breaks clm_loss (gradient)."""
# %% clm_loss
#-     return F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index)
#+     loss = F.cross_entropy(shifted.reshape(-1, vocab), targets.reshape(-1), ignore_index=ignore_index)
#+     return torch.tensor(loss.item())
